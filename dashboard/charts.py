"""Geometry of the server-drawn SVG charts; the templates only place what is computed here."""

from dataclasses import dataclass

# A sequential blue scale that stays distinct for colour-blind readers, lightest = least used.
SCALE = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#d9d9d9"
BAR_WIDTH = 260
BAR_HEIGHT = 22


@dataclass
class Bar:
    label: str
    value: float | None
    y: int
    width: float


def bars(items, value_of):
    """Horizontal bars, one per (label, item), as long as the item's value over the largest."""
    values = [value_of(item) for _, item in items]
    largest = max((v for v in values if v is not None), default=0) or 1
    return {
        "bars": [
            Bar(label, value, index * BAR_HEIGHT, BAR_WIDTH * (value or 0) / largest)
            for index, ((label, _item), value) in enumerate(zip(items, values, strict=True))
        ],
        "height": max(len(items), 1) * BAR_HEIGHT,
        "width": BAR_WIDTH,
    }


def colour(utilisation):
    if utilisation is None:
        return NO_DATA
    return SCALE[min(int(utilisation * len(SCALE) / 0.6), len(SCALE) - 1)]


def legend():
    """The utilisation each colour stands for: 0–12%, 12–24% … 48% and more."""
    step = 60 // len(SCALE)
    return [
        (SCALE[n], f"{n * step}–{(n + 1) * step}%" if n < len(SCALE) - 1 else f"{n * step}%+")
        for n in range(len(SCALE))
    ]


TREND_WIDTH, TREND_HEIGHT, TREND_PAD = 600, 220, 30


def trend(months):
    """Bookings per month as columns and utilisation as a line over the same months."""
    slot = (TREND_WIDTH - TREND_PAD) / max(len(months), 1)
    plot = TREND_HEIGHT - 2 * TREND_PAD
    most = max((m.requests for m in months), default=0) or 1
    columns, points = [], []
    for index, month in enumerate(months):
        x = TREND_PAD + index * slot
        height = plot * month.requests / most
        columns.append(
            {
                "month": month,
                "x": round(x + slot * 0.15, 1),
                "y": round(TREND_PAD + plot - height, 1),
                "width": round(slot * 0.7, 1),
                "height": round(height, 1),
                "label_x": round(x + slot / 2, 1),
            }
        )
        if month.utilisation is not None:
            share = min(month.utilisation, 1)
            points.append(f"{x + slot / 2:.1f},{TREND_PAD + plot * (1 - share):.1f}")
    return {
        "columns": columns,
        "line": " ".join(points),
        "width": TREND_WIDTH,
        "height": TREND_HEIGHT,
        "baseline": TREND_PAD + plot,
        "most": most,
    }


MAP_WIDTH, MAP_HEIGHT = 360, 420
LATITUDES, LONGITUDES = (33.0, 38.7), (124.5, 130.0)


def bubbles(items):
    """(label, latitude, longitude, sites, utilisation) as circles on a plain projection."""
    largest = max((sites for *_, sites, _u in items), default=0) or 1
    circles = []
    for label, latitude, longitude, sites, utilisation in items:
        if latitude is None:
            continue
        x = (float(longitude) - LONGITUDES[0]) / (LONGITUDES[1] - LONGITUDES[0]) * MAP_WIDTH
        y = (LATITUDES[1] - float(latitude)) / (LATITUDES[1] - LATITUDES[0]) * MAP_HEIGHT
        circles.append(
            {
                "label": label,
                "x": round(x, 1),
                "y": round(y, 1),
                "r": round(5 + 15 * (sites / largest) ** 0.5, 1),
                "fill": colour(utilisation),
                "utilisation": utilisation,
                "sites": sites,
            }
        )
    # Small circles last, so that they sit on top of the large ones.
    circles.sort(key=lambda circle: -circle["r"])
    return {"circles": circles, "width": MAP_WIDTH, "height": MAP_HEIGHT, "legend": legend()}
