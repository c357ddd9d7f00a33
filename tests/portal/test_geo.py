"""Datum conversion, point-in-polygon and simplification: plain functions, no database."""

import pytest

from minsheng.maps import geo


# Published reference pairs (the same formulas AMap's and Baidu's coordinate converters implement).
def test_wgs84_to_gcj02_matches_the_published_offset_in_beijing():
    lng, lat = geo.wgs84_to_gcj02(116.404, 39.915)
    assert lng == pytest.approx(116.410244, abs=2e-6)
    assert lat == pytest.approx(39.916403, abs=2e-6)


def test_gcj02_round_trips_to_wgs84_within_a_centimetre():
    for point in [(120.155, 30.274), (114.305, 30.593), (113.264, 23.129)]:
        back = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(*point))
        assert geo.distance_m(back, point) < 0.01


def test_bd09_and_gcj02_are_inverse_and_about_half_a_kilometre_apart():
    gcj = (120.155, 30.274)
    bd = geo.gcj02_to_bd09(*gcj)
    assert 300 < geo.distance_m(gcj, bd) < 1200
    assert geo.distance_m(geo.bd09_to_gcj02(*bd), gcj) < 0.5


def test_outside_china_is_left_alone():
    assert geo.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)


@pytest.mark.parametrize("datum", list(geo.Datum))
def test_to_gcj02_dispatches_on_datum(datum):
    lng, lat = geo.to_gcj02(120.155, 30.274, datum)
    if datum == geo.Datum.GCJ02:
        assert (lng, lat) == (120.155, 30.274)
    else:
        assert geo.distance_m((lng, lat), (120.155, 30.274)) > 100


SQUARE_WITH_HOLE = {"type": "Polygon", "coordinates": [
    [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
    [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]],
]}


@pytest.mark.parametrize(("point", "inside"), [((1, 1), True), ((5, 5), False), ((11, 5), False), ((9.9, 9.9), True)])
def test_point_in_polygon_with_a_hole(point, inside):
    assert geo.point_in_geometry(point, SQUARE_WITH_HOLE) is inside


def test_point_in_multipolygon():
    triangle = [[[20, 20], [22, 20], [21, 22], [20, 20]]]
    multi = {"type": "MultiPolygon", "coordinates": [SQUARE_WITH_HOLE["coordinates"], triangle]}
    assert geo.point_in_geometry((21, 20.5), multi)
    assert not geo.point_in_geometry((15, 15), multi)


def test_simplify_drops_points_within_tolerance_and_keeps_corners():
    line = [[0, 0], [1, 0.0001], [2, 0], [2, 2], [0, 2], [0, 0]]
    out = geo.simplify(line, 0.001)
    assert [1, 0.0001] not in out
    assert out[0] == [0, 0] and out[-1] == [0, 0] and [2, 2] in out
