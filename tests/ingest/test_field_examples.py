"""The field functions against the hand-checked gold files (tests/data/gold).

Targets come from each gold project's name and content. Milestones come from the schedule
text in the seed documents that carry one (the 责任清单 pipe table and the 项目表 with a
进度计划 column), located here without the structure layer so that these numbers measure
only quantities.py and schedule.py. Scores are aggregated like score_plan.py does; a gold
slip or a known miss costs a little, not the whole test.
"""

import json
import re
from collections import Counter
from pathlib import Path

from minsheng.ingest.normalize import normalize
from minsheng.ingest.quantities import extract_targets
from minsheng.ingest.schedule import parse_milestones

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "tests" / "data" / "gold"
SEEDS = ROOT / "src" / "minsheng" / "data" / "seeds"
BRACKETS = re.compile(r"[(（][^)）]*[)）]")


def _gold():
    return [json.loads(p.read_text()) for p in sorted(GOLD.glob("*.json"))]


def _tkey(t):
    return (round(float(t["value"]), 4), BRACKETS.sub("", t["unit"]).replace(" ", ""))


def _mkey(m):
    r = lambda v: None if v is None else round(float(v), 4)  # noqa: E731
    return (m["due"], r(m["percent"]), r(m["value"]))


def _f1(tp, fp, fn):
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def _item_text(p):
    return p["name"] + ("。" + p["content"] if p["content"] else "")


def test_targets_match_gold():
    tp = fp = fn = 0
    op_ok = op_n = 0
    misses = []
    for doc in _gold():
        for p in doc["projects"]:
            pred = extract_targets(_item_text(p))
            g, pr = Counter(map(_tkey, p["targets"])), Counter(map(_tkey, pred))
            hit = sum((g & pr).values())
            tp, fp, fn = tp + hit, fp + sum(pr.values()) - hit, fn + sum(g.values()) - hit
            if g != pr:
                misses.append((p["name"], dict(g - pr), dict(pr - g)))
            ops = {_tkey(t): t["op"] for t in pred}
            for t in p["targets"]:
                if _tkey(t) in ops:
                    op_n += 1
                    op_ok += ops[_tkey(t)] == t["op"]
    assert _f1(tp, fp, fn) >= 0.97, misses
    assert op_ok / op_n >= 0.97


def _schedules_pipe_table(doc, text):
    """责任清单 rows: `… | 11月底 | 3月底前…; 6月底前… |` (a row may wrap onto the next line)."""
    lines = text.split("\n")
    for p in doc["projects"]:
        if not p["milestones"]:
            continue
        for i, line in enumerate(lines):
            if p["name"] in line and " | " in line:
                row, j = line, i
                while not row.rstrip().endswith("|") and j + 1 < len(lines):
                    j += 1
                    row += "\n" + lines[j]
                cells = [c.strip() for c in row.split(" | ")]
                k = next((k for k, c in enumerate(cells) if re.fullmatch(r"\d+月底", c)), None)
                if k is not None:
                    yield p, cells[k + 1].rstrip("| ")
                break


def _schedules_tab_table(doc, text):
    """项目表 rows flattened from Word: tab-led cells; the schedule is the cell with 季度/月底."""
    lines = text.split("\n")
    starts = {}
    for p in doc["projects"]:
        for i, line in enumerate(lines):
            if line.startswith("\t") and line.strip() == p["name"]:
                starts[p["name"]] = i
                break
    for p in doc["projects"]:
        if not p["milestones"] or p["name"] not in starts:
            continue
        i = starts[p["name"]]
        nxt = min([s for s in starts.values() if s > i] or [len(lines)])
        cells: list[str] = []
        for line in lines[i + 1 : nxt]:
            if line.startswith("\t"):
                cells.append(line[1:])
            elif cells:
                cells[-1] += "\n" + line
        sched = next((c for c in cells if re.search(r"季度|月底|月份", c)), None)
        if sched:
            yield p, sched.strip()


def _milestone_examples():
    out = []
    for doc in _gold():
        if not any(p["milestones"] for p in doc["projects"]):
            continue
        raw = (SEEDS / doc["source"]).read_text()
        # normalise line by line, keeping the tab that marks a Word table cell
        text = "\n".join(("\t" if ln.startswith("\t") else "") + normalize(ln) for ln in raw.split("\n"))
        finder = _schedules_pipe_table if " | " in text else _schedules_tab_table
        out.extend((doc["plan"]["year"], p, normalize(s)) for p, s in finder(doc, text))
    return out


def test_milestones_match_gold():
    examples = _milestone_examples()
    with_milestones = sum(1 for d in _gold() for p in d["projects"] if p["milestones"])
    assert len(examples) >= 0.9 * with_milestones, "schedule texts not found in the seeds"
    tp = fp = fn = 0
    cum_ok = cum_n = 0
    misses = []
    for year, p, text in examples:
        pred = parse_milestones(text, year, extract_targets(_item_text(p)))
        g, pr = Counter(map(_mkey, p["milestones"])), Counter(map(_mkey, pred))
        hit = sum((g & pr).values())
        tp, fp, fn = tp + hit, fp + sum(pr.values()) - hit, fn + sum(g.values()) - hit
        if g != pr:
            misses.append((p["name"], sorted(g - pr, key=str), sorted(pr - g, key=str)))
        by_key: dict = {}
        for m in pred:
            by_key.setdefault(_mkey(m), []).append(m)
        for m in p["milestones"]:
            cands = by_key.get(_mkey(m))
            if m["cumulative"] is None or not cands:
                continue
            c = ([x for x in cands if x["target"] == m["target"]] or cands)[0]
            cands.remove(c)
            cum_n += 1
            cum_ok += c["cumulative"] == m["cumulative"]
    assert _f1(tp, fp, fn) >= 0.95, misses
    assert cum_ok / cum_n >= 0.95
