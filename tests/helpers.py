"""Small helpers the Django tests share."""

import json
from pathlib import Path

DATA = Path(__file__).parent / "data"
GOLD = sorted((DATA / "gold").glob("*.json"))


def gold(prefix: str) -> dict:
    return json.loads(next(p for p in GOLD if p.name.startswith(prefix)).read_text())


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
