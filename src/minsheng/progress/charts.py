"""A project's expected-vs-actual chart as inline SVG: no script, works on any intranet."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from minsheng.plans.models import Project
from minsheng.progress import periods as period_rules
from minsheng.progress.figures import target_figures
from minsheng.progress.selectors import milestone_steps, progress_series
from minsheng.progress.status import TargetSpec, expected_fraction

WIDTH, HEIGHT, PAD = 640, 260, 36


@dataclass
class Chart:
    expected: str  # SVG polyline points
    actual: str
    dots: list[tuple[float, float, str]]
    months: list[tuple[float, str]]
    levels: list[tuple[float, str]]
    today_x: float | None
    width: int = WIDTH
    height: int = HEIGHT


def progress_chart(project: Project, on: datetime.date) -> Chart:
    year = project.plan.year
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    deadline = project.deadline or end
    targets = list(project.targets.all())
    specs = [TargetSpec(float(t.value) if t.value is not None else None, t.op) for t in targets]
    steps = milestone_steps(project)
    measured = [i for i, t in enumerate(targets) if t.value] or [None]

    def x(day: datetime.date) -> float:
        return PAD + (WIDTH - 2 * PAD) * (day - start).days / (end - start).days

    def y(fraction: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * min(fraction, 1.2) / 1.2

    days = [start + datetime.timedelta(days=d) for d in range(0, (end - start).days + 1, 7)] + [end]
    expected = []
    for day in days:
        values = [expected_fraction(day, start, deadline, steps, specs, i or 0) for i in measured]
        expected.append(f"{x(day):.1f},{y(sum(values) / len(values)):.1f}")

    # The figures the status reads: co-lead units reporting one target in one month, the larger.
    series = [(d, f) for d, f in progress_series(targets, specs, target_figures(report__project=project))
              if d <= max(on, start)]
    actual = [f"{x(start):.1f},{y(0):.1f}"] + [f"{x(d):.1f},{y(f):.1f}" for d, f in series]
    dots = [(x(d), y(f), f"{d:%m月} {f * 100:.0f}%") for d, f in series]
    months = [(x(period_rules.month_end(year, m)), f"{m}月") for m in range(1, 13)]
    levels = [(y(f), f"{int(f * 100)}%") for f in (0, 0.25, 0.5, 0.75, 1.0)]
    return Chart(" ".join(expected), " ".join(actual), dots, months, levels,
                 x(on) if start <= on <= end else None)
