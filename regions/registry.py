"""Load the 17 regions (source facts) and their districts (regions/data/districts.csv)."""

import csv
from decimal import Decimal
from pathlib import Path

from regions.models import District, Region
from regions.sources import REGIONS

DISTRICTS_CSV = Path(__file__).resolve().parent / "data" / "districts.csv"


def load_regions():
    """Upsert regions and districts by code; return (created, updated) counts."""
    created = updated = 0
    for order, source in enumerate(REGIONS, start=1):
        values = {
            "slug": source.slug,
            "name_ko": source.name_ko,
            "name_en": source.name_en,
            "order": order,
            "source_site_count": source.standard_sites,
        }
        created_now, updated_now = _upsert(Region, {"code": source.code}, values)
        created += created_now
        updated += updated_now
    regions = {region.code: region for region in Region.objects.all()}
    with DISTRICTS_CSV.open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            values = {
                "region": regions[row["region_code"]],
                "name_ko": row["name_ko"],
                "name_en": row["name_en"],
                "latitude": Decimal(row["latitude"]),
                "longitude": Decimal(row["longitude"]),
            }
            created_now, updated_now = _upsert(District, {"code": row["code"]}, values)
            created += created_now
            updated += updated_now
    return created, updated


def _upsert(model, key, values):
    obj = model.objects.filter(**key).first()
    if obj is None:
        model.objects.create(**key, **values)
        return 1, 0
    changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(obj, name, value)
        obj.save(update_fields=list(changed))
        return 0, 1
    return 0, 0
