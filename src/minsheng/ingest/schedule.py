"""Deadlines and milestones in plan text (see docs/plan-schema.md)."""

from __future__ import annotations


def parse_deadline(text: str, year: int) -> str | None:
    return None


def parse_milestones(text: str, year: int, targets: list[dict]) -> list[dict]:
    return []


def parse_schedule_cells(cells: list[tuple[str, str]], year: int, targets: list[dict]) -> list[dict]:
    return []
