"""The boundaries kept in ``data/boundaries/``: which file draws a plan, and is a point inside."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from minsheng.core.models import Region
from minsheng.maps.geo import Point, bbox, point_in_geometry

DIR = Path(__file__).resolve().parents[1] / "data" / "boundaries"


@functools.cache
def _load(name: str) -> dict | None:
    # The files never change while the app runs: read each once per process.
    path = DIR / f"{name}.geojson"
    return json.loads(path.read_text()) if path.is_file() else None


def boundary_name(region: Region) -> str | None:
    """The file that draws a region: its own, else the nearest ancestor's (a town inside a county)."""
    for node in [region, *region.ancestors()]:
        if _load(node.name) is not None:
            return node.name
    return None


def boundary(region: Region) -> dict | None:
    name = boundary_name(region)
    return _load(name) if name else None


def raw_boundary(name: str) -> bytes | None:
    path = DIR / f"{name}.geojson"
    return path.read_bytes() if path.is_file() else None


def contains(collection: dict, point: Point) -> bool:
    return any(point_in_geometry(point, f["geometry"]) for f in collection["features"])


def district_at(collection: dict, point: Point) -> str | None:
    return next((f["properties"]["name"] for f in collection["features"]
                 if point_in_geometry(point, f["geometry"])), None)


def district_geometry(collection: dict, name: str) -> dict | None:
    return next((f["geometry"] for f in collection["features"] if f["properties"]["name"] == name), None)


def extent(collection: dict) -> tuple[float, float, float, float]:
    return bbox(f["geometry"] for f in collection["features"])
