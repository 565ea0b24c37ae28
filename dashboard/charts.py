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
LABEL_SIZE = 11  # px, as .chart__map-label
LABEL_GAP = 3


def _label_width(text):
    """Rough width of a bold label with its white halo: Hangul about an em, Latin 0.7 em."""
    return 4 + sum(LABEL_SIZE if ord(char) >= 0x1100 else LABEL_SIZE * 0.7 for char in text)


def _label_box(x, y, anchor, width):
    left = {"middle": x - width / 2, "start": x, "end": x - width}[anchor]
    return (left, y - LABEL_SIZE / 2, left + width, y + LABEL_SIZE / 2)


def _inside(box):
    return box[0] >= 0 and box[1] >= 0 and box[2] <= MAP_WIDTH and box[3] <= MAP_HEIGHT


def _overlaps(box, other):
    return box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]


def _place_labels(circles):
    """Put each label on its circle, or beside it where it would cover a label already placed.

    Regions such as Seoul, Incheon and Gyeonggi lie almost on one point; the largest circle keeps
    its label in the centre and the others move above, below or to a side.
    """
    placed = []
    for circle in circles:
        x, y, r = circle["x"], circle["y"], circle["r"]
        width = _label_width(circle["label"])
        beside = r + LABEL_GAP
        candidates = [
            (x, y, "middle"),
            (x, y - beside - LABEL_SIZE / 2, "middle"),
            (x, y + beside + LABEL_SIZE / 2, "middle"),
            (x + beside, y, "start"),
            (x - beside, y, "end"),
            (x + beside, y - beside, "start"),
            (x - beside, y - beside, "end"),
            (x + beside, y + beside, "start"),
            (x - beside, y + beside, "end"),
        ]
        options = [(candidate, _label_box(*candidate, width)) for candidate in candidates]
        inside = [option for option in options if _inside(option[1])] or options[:1]
        (label_x, label_y, anchor), box = next(
            (
                option
                for option in inside
                if not any(_overlaps(option[1], other) for other in placed)
            ),
            inside[0],
        )
        placed.append(box)
        circle.update(label_x=round(label_x, 1), label_y=round(label_y, 1), anchor=anchor)


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
    _place_labels(circles)
    return {"circles": circles, "width": MAP_WIDTH, "height": MAP_HEIGHT, "legend": legend()}
