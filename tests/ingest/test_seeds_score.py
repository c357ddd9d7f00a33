"""Every seed document through the text importer, scored against the hand-checked gold JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from minsheng.ingest.plan_parser import document_to_plan
from minsheng.ingest.text_reader import read_text
from minsheng.plans.plan_json import validation_errors

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "src" / "minsheng" / "data" / "seeds").glob("*.txt"))
GOLD = ROOT / "tests" / "data" / "gold"
SCORER = ROOT / "tests" / "data" / "score_plan.py"


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("pred")
    for seed in SEEDS:
        plan = document_to_plan(read_text(seed))
        assert plan["source"] == seed.name
        assert validation_errors(plan) == [], seed.name
        (out / f"{seed.stem}.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(SCORER), "--json", str(GOLD), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    print(run.stdout)
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_there_are_seeds_and_gold() -> None:
    assert len(SEEDS) >= 5
    assert {p.stem for p in SEEDS} <= {p.stem for p in GOLD.glob("*.json")}


def test_overall_score(scores: dict) -> None:
    assert scores["overall"] >= 0.97, scores


def test_every_field_family(scores: dict) -> None:
    low = {k: v for k, v in scores.items() if v is not None and v < 0.90}
    assert not low, low
