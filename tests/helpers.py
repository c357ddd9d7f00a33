"""Small helpers the Django tests share."""

import datetime
import json
from pathlib import Path

DATA = Path(__file__).parent / "data"
GOLD = sorted((DATA / "gold").glob("*.json"))


def gold(prefix: str) -> dict:
    return json.loads(next(p for p in GOLD if p.name.startswith(prefix)).read_text())


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def png(size: tuple[int, int] = (40, 30), color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A real PNG: uploads are decoded, so a signature followed by zeros is no longer a photo."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


# The State Council's autumn 2024 schedule (国办发明电〔2023〕7号: 中秋 9月15日至17日, 9月14日上班; 国庆
# 10月1日至7日, 9月29日、10月12日上班), typed from the notice: calendar tests use it instead of whatever
# years the chinese_calendar package ships. Only the days that differ from Monday to Friday.
AUTUMN_2024 = [
    (datetime.date(2024, 9, 14), True, "中秋调休上班"),  # a Saturday
    (datetime.date(2024, 9, 16), False, "中秋"),
    (datetime.date(2024, 9, 17), False, "中秋"),
    (datetime.date(2024, 9, 29), True, "国庆节调休上班"),  # a Sunday
    *[(datetime.date(2024, 10, day), False, "国庆节") for day in (1, 2, 3, 4, 7)],  # 10-5/6 are a weekend
    (datetime.date(2024, 10, 12), True, "国庆节调休上班"),  # a Saturday
]


def autumn_2024(year: int) -> list[tuple[datetime.date, bool, str]]:
    """A holiday source (see minsheng.core.workdays.HolidaySource) that knows 2024 only."""
    if year != 2024:
        raise NotImplementedError(year)
    return AUTUMN_2024


def calendar_2024():
    from minsheng.core.workdays import WorkCalendar

    return WorkCalendar(
        exceptions={d: w for d, w, _ in AUTUMN_2024},
        names={d: n for d, _, n in AUTUMN_2024},
        published_years=frozenset({2024}),
    )
