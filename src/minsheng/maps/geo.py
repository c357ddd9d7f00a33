"""Plain geometry for the offline map: datum conversion, point-in-polygon, line simplification.

No database and no third-party code: the boundaries are small (a few hundred points per
district after simplification) and these functions are the standard published formulas.

Datums: GPS devices give WGS-84; AMap, Tencent and the boundaries we draw use GCJ-02 (the
"Mars" offset mandated for Chinese maps); Baidu uses BD-09, a further offset of GCJ-02.
Everything stored and drawn is GCJ-02.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from enum import StrEnum

Point = tuple[float, float]  # (longitude, latitude)
Ring = Sequence[Sequence[float]]

# Krasovsky 1940 ellipsoid, as in the published GCJ-02 algorithm.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0


class Datum(StrEnum):
    GCJ02 = "gcj02"
    WGS84 = "wgs84"
    BD09 = "bd09"


def outside_china(lng: float, lat: float) -> bool:
    # The offset is only applied inside this rough box: that is how the published algorithm behaves.
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _offset(lng: float, lat: float) -> Point:
    dlat = _transform_lat(lng - 105.0, lat - 35.0)
    dlng = _transform_lng(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return dlng, dlat


def wgs84_to_gcj02(lng: float, lat: float) -> Point:
    if outside_china(lng, lat):
        return lng, lat
    dlng, dlat = _offset(lng, lat)
    return lng + dlng, lat + dlat


def gcj02_to_wgs84(lng: float, lat: float) -> Point:
    """Inverse by fixed-point iteration: the forward offset varies slowly, so a few rounds reach
    well under a centimetre (the one-step inverse often quoted is off by metres)."""
    if outside_china(lng, lat):
        return lng, lat
    wlng, wlat = lng, lat
    for _ in range(10):
        glng, glat = wgs84_to_gcj02(wlng, wlat)
        dlng, dlat = glng - lng, glat - lat
        wlng, wlat = wlng - dlng, wlat - dlat
        if abs(dlng) < 1e-9 and abs(dlat) < 1e-9:
            break
    return wlng, wlat


def bd09_to_gcj02(lng: float, lat: float) -> Point:
    x, y = lng - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def gcj02_to_bd09(lng: float, lat: float) -> Point:
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def to_gcj02(lng: float, lat: float, datum: Datum | str) -> Point:
    datum = Datum(datum)
    if datum == Datum.WGS84:
        return wgs84_to_gcj02(lng, lat)
    if datum == Datum.BD09:
        return bd09_to_gcj02(lng, lat)
    return lng, lat


def distance_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres (haversine): good enough to say how far two points are."""
    lng1, lat1, lng2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


# --- polygons -------------------------------------------------------------------------------------

def point_in_ring(point: Point, ring: Ring) -> bool:
    """Even-odd ray casting; a point exactly on an edge may fall either way, which a boundary
    simplified to ~100 m cannot decide anyway."""
    x, y = point
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[i - 1][0], ring[i - 1][1]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def point_in_geometry(point: Point, geometry: dict) -> bool:
    """GeoJSON Polygon or MultiPolygon: inside an outer ring and in none of its holes."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for rings in polygons:
        if rings and point_in_ring(point, rings[0]) and not any(point_in_ring(point, h) for h in rings[1:]):
            return True
    return False


def bbox(geometries: Iterable[dict]) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for g in geometries:
        polygons = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        for rings in polygons:
            for x, y in rings[0]:
                xs.append(x)
                ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


def simplify(points: Sequence[Sequence[float]], tolerance: float) -> list[list[float]]:
    """Douglas–Peucker on a ring or line, in degrees; iterative so long rings do not recurse deep."""
    if len(points) < 3:
        return [list(p) for p in points]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        ax, ay = points[first][0], points[first][1]
        bx, by = points[last][0], points[last][1]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i][0], points[i][1]
            d = math.hypot(px - ax, py - ay) if norm == 0 else abs(dy * px - dx * py + bx * ay - by * ax) / norm
            if d > worst:
                worst, index = d, i
        if index >= 0 and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [[round(p[0], 5), round(p[1], 5)] for p, k in zip(points, keep, strict=True) if k]
