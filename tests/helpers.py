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


def png(size: tuple[int, int] = (40, 30), color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A real PNG: uploads are decoded, so a signature followed by zeros is no longer a photo."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()
