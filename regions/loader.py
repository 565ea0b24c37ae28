"""Load the 17 regions (source facts) and their districts (regions/data/districts.csv)."""

import csv
from decimal import Decimal
from pathlib import Path

from regions.models import District, Region
from regions.sources import REGIONS

DISTRICTS_CSV = Path(__file__).resolve().parent / "data" / "districts.csv"


def region_rows():
    return [
        {
            "code": source.code,
            "slug": source.slug,
            "name_ko": source.name_ko,
            "name_en": source.name_en,
            "order": order,
            "source_site_count": source.standard_sites,
        }
        for order, source in enumerate(REGIONS, start=1)
    ]


def district_rows(path=DISTRICTS_CSV):
    """The districts file as dicts: code, region_code, name_ko, name_en, latitude, longitude."""
    with Path(path).open(encoding="utf-8-sig", newline="") as file:
        return [
            {
                "code": row["code"].strip(),
                "region_code": row["region_code"].strip(),
                "name_ko": row["name_ko"].strip(),
                "name_en": row["name_en"].strip(),
                "latitude": Decimal(row["latitude"].strip()),
                "longitude": Decimal(row["longitude"].strip()),
            }
            for row in csv.DictReader(file)
        ]


def load_regions(districts_csv=DISTRICTS_CSV):
    """Upsert the regions and districts by code; return (created, updated, unchanged) counts."""
    counts = _upsert(Region, region_rows())
    regions = {region.code: region for region in Region.objects.all()}
    districts = []
    for row in district_rows(districts_csv):
        region = regions.get(row.pop("region_code"))
        if region is None:
            raise ValueError(f"{districts_csv}: district {row['code']} has an unknown region code")
        districts.append({**row, "region": region})
    return tuple(a + b for a, b in zip(counts, _upsert(District, districts), strict=True))


def _upsert(model, rows):
    existing = {obj.code: obj for obj in model.objects.all()}
    new, changed = [], []
    for values in rows:
        obj = existing.get(values["code"])
        if obj is None:
            new.append(model(**values))
            continue
        names = [name for name, value in values.items() if getattr(obj, name) != value]
        for name in names:
            setattr(obj, name, values[name])
        if names:
            obj.save(update_fields=names)
            changed.append(obj)
    model.objects.bulk_create(new)
    return len(new), len(changed), len(rows) - len(new) - len(changed)
