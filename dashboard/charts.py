"""Geometry of the server-drawn SVG charts; the templates only place what is computed here."""

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import pgettext_lazy

# A sequential blue scale that stays distinct for colour-blind readers, lightest = least used.
SCALE = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#d9d9d9"
BAR_WIDTH = 260
BAR_HEIGHT = 22
PROVINCES = Path(__file__).with_name("geodata") / "provinces.json"
CAPITAL_AREA = ("11", "28", "41")  # Seoul, Incheon, Gyeonggi: labelled in the inset
INSET_CAPTION = 20  # px below the inset for its caption


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


def _shades(count):
    """`count` colours of the scale, spread from its lightest to its darkest."""
    if count <= 1:
        return [SCALE[2]]
    return [SCALE[round(i * (len(SCALE) - 1) / (count - 1))] for i in range(count)]


def quantile_bands(values, classes=5):
    """The values split into up to `classes` bands of about as many values each (quantiles).

    Equal values stay in one band, so there are fewer bands when few values differ. Returns
    [(colour, lowest, highest, count)], lightest first.
    """
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return []
    groups, current = [], []
    for index, value in enumerate(ordered):
        boundary = len(groups) + 1
        if current and value != current[-1] and index >= round(len(ordered) * boundary / classes):
            groups.append(current)
            current = []
        current.append(value)
    groups.append(current)
    return [
        (fill, group[0], group[-1], len(group))
        for fill, group in zip(_shades(len(groups)), groups, strict=True)
    ]


def band_colour(bands, value):
    if value is None:
        return NO_DATA
    for fill, _lowest, highest, _count in bands:
        if value <= highest:
            return fill
    return bands[-1][0] if bands else NO_DATA


LABEL_SIZE = 11  # px, as .chart__map-label
LABEL_GAP = 3


def _label_width(text):
    """Rough width of a bold label with its white halo: Hangul about an em, Latin 0.7 em."""
    return 4 + sum(LABEL_SIZE if ord(char) >= 0x1100 else LABEL_SIZE * 0.7 for char in text)


def label_box(label):
    """(left, top, right, bottom) of a placed label (a dict with text, x, y, anchor)."""
    x, y, width = label["x"], label["y"], _label_width(label["text"])
    left = {"middle": x - width / 2, "start": x, "end": x - width}[label["anchor"]]
    return (left, y - LABEL_SIZE / 2, left + width, y + LABEL_SIZE / 2)


def _overlaps(box, other):
    return box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]


def _place_labels(labels, bounds):
    """Move each label off its point where it would cover a label already placed."""
    placed = []
    for label in labels:
        x, y = label["x"], label["y"]
        step = LABEL_SIZE + LABEL_GAP
        candidates = [
            (x, y, "middle"),
            (x, y - step, "middle"),
            (x, y + step, "middle"),
            (x + LABEL_GAP * 2, y, "start"),
            (x - LABEL_GAP * 2, y, "end"),
            (x, y - 2 * step, "middle"),
            (x, y + 2 * step, "middle"),
        ]
        options = []
        for cx, cy, anchor in candidates:
            box = label_box({**label, "x": cx, "y": cy, "anchor": anchor})
            inside = box[0] >= bounds[0] and box[2] <= bounds[2] and box[1] >= 0
            if inside and box[3] <= bounds[3]:
                options.append(((cx, cy, anchor), box))
        options = options or [((x, y, "middle"), label_box({**label, "anchor": "middle"}))]
        (lx, ly, anchor), box = next(
            (o for o in options if not any(_overlaps(o[1], other) for other in placed)),
            options[0],
        )
        placed.append(box)
        label.update(x=round(lx, 1), y=round(ly, 1), anchor=anchor)
    return labels


@functools.cache
def _provinces():
    return json.loads(PROVINCES.read_text(encoding="utf-8"))


def provinces(items):
    """The 17 provinces coloured by utilisation, and an inset of the capital area.

    The map and the inset are drawn apart (each its own coordinates), so that a narrow screen
    shows the inset under the map, each as large as the screen allows.

    `items` are (region code, name, url, utilisation). Colours are quantile bands of the
    regions' utilisation in the period (`quantile_bands`).
    """
    geo = _provinces()
    known = {code: (name, url, utilisation) for code, name, url, utilisation in items}
    bands = quantile_bands([utilisation for *_, utilisation in items])
    inset = geo["inset"]
    regions, inset_regions, labels, inset_labels = [], [], [], []
    for code, shape in geo["regions"].items():
        if code not in known:
            continue
        name, url, utilisation = known[code]
        region = {
            "code": code,
            "name": name,
            "url": url,
            "utilisation": utilisation,
            "fill": band_colour(bands, utilisation),
            "path": shape["path"],
        }
        regions.append(region)
        if code in CAPITAL_AREA:
            inset_regions.append({**region, "path": shape["inset_path"]})
            x, y = shape["inset_label"]
            inset_labels.append({"text": name, "x": x, "y": y, "code": code})
        else:
            x, y = shape["label"]
            labels.append({"text": name, "x": x, "y": y, "code": code})
    main = geo["main"]
    _place_labels(labels, (0, 0, main["width"], main["height"]))
    _place_labels(inset_labels, (0, 0, inset["width"], inset["height"]))
    frame = inset["frame_on_main"]
    islands = geo["east_islands_box"]
    return {
        "width": main["width"],
        "height": main["height"],
        "inset_height": inset["height"] + INSET_CAPTION,
        "inset_caption_y": inset["height"] + INSET_CAPTION - 6,
        "regions": regions,
        "inset_regions": inset_regions,
        "inset": inset,
        "frame": {
            "x": frame[0],
            "y": frame[1],
            "w": round(frame[2] - frame[0], 1),
            "h": round(frame[3] - frame[1], 1),
        },  # fmt: skip
        "islands": {
            "x": islands[0],
            "y": islands[1],
            "w": round(islands[2] - islands[0], 1),
            "h": round(islands[3] - islands[1], 1),
        },  # fmt: skip
        "labels": labels,
        "inset_labels": inset_labels,
        "legend": bands,
    }


def nice_ticks(largest, count=4, whole=False):
    """Round tick values from 0 that cover `largest`: 0, 5, 10, 15, 20 … or 0, 0.25, 0.5 …"""
    if not largest or largest <= 0:
        return [0, 1]
    raw = largest / count
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(m * magnitude for m in steps if m * magnitude >= raw)
    if whole:
        step = max(step, 1)
    top = math.ceil(largest / step - 1e-9) * step
    return [round(i * step, 10) for i in range(round(top / step) + 1)]


CHART_WIDTH, CHART_LEFT, CHART_RIGHT, CHART_TOP = 640, 56, 12, 18
TREND_HEIGHT, UTILISATION_HEIGHT, AXIS_BELOW = 230, 170, 40


def _axis(ticks, top, plot_height, fmt):
    highest = ticks[-1] or 1
    return [
        {"y": round(top + plot_height * (1 - tick / highest), 1), "label": fmt(tick)}
        for tick in ticks
    ]


def _months(months, plot_width):
    slot = plot_width / max(len(months), 1)
    placed = []
    for index, month in enumerate(months):
        x = CHART_LEFT + index * slot
        placed.append(
            {
                "month": month,
                "x": round(x, 1),
                "slot": round(slot, 1),
                "centre": round(x + slot / 2, 1),
                "year": index == 0 or month.month.month == 1,
            }
        )
    return placed


def trend(months, count_format=str):
    """Bookings per month as columns on an axis of counts, each with its value and month."""
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_height = TREND_HEIGHT - CHART_TOP - AXIS_BELOW
    ticks = nice_ticks(max((m.requests for m in months), default=0), whole=True)
    highest = ticks[-1] or 1
    columns = []
    for slot in _months(months, plot_width):
        height = plot_height * slot["month"].requests / highest
        columns.append(
            {
                **slot,
                "bar_x": round(slot["x"] + slot["slot"] * 0.15, 1),
                "bar_width": round(slot["slot"] * 0.7, 1),
                "y": round(CHART_TOP + plot_height - height, 1),
                "height": round(height, 1),
            }
        )
    return {
        "columns": columns,
        "ticks": _axis(ticks, CHART_TOP, plot_height, count_format),
        "width": CHART_WIDTH,
        "height": TREND_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "baseline": CHART_TOP + plot_height,
    }


def utilisation(months, percent_format):
    """Utilisation per month as a line on its own percentage axis, fitted to the values."""
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_height = UTILISATION_HEIGHT - CHART_TOP - AXIS_BELOW
    values = [m.utilisation for m in months if m.utilisation is not None]
    ticks = nice_ticks(max(values, default=0))
    highest = ticks[-1] or 1
    points = []
    for slot in _months(months, plot_width):
        share = slot["month"].utilisation
        slot["y"] = (
            None if share is None else round(CHART_TOP + plot_height * (1 - share / highest), 1)
        )
        points.append(slot)
    return {
        "points": points,
        "line": " ".join(f"{p['centre']},{p['y']}" for p in points if p["y"] is not None),
        "ticks": _axis(ticks, CHART_TOP, plot_height, percent_format),
        "width": CHART_WIDTH,
        "height": UTILISATION_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "baseline": CHART_TOP + plot_height,
    }


# One-letter weekdays in Korean (월 … 일), as calendars print them.
WEEKDAYS = (
    pgettext_lazy("short weekday", "Mon"),
    pgettext_lazy("short weekday", "Tue"),
    pgettext_lazy("short weekday", "Wed"),
    pgettext_lazy("short weekday", "Thu"),
    pgettext_lazy("short weekday", "Fri"),
    pgettext_lazy("short weekday", "Sat"),
    pgettext_lazy("short weekday", "Sun"),
)
HEAT_CELL_WIDTH, HEAT_CELL_HEIGHT, HEAT_LEFT, HEAT_TOP = 26, 20, 52, 18
WORKING_HOURS = (8, 19)  # always shown, so that an empty scene still reads as a day


def heatmap(busy):
    """Booked hours per weekday (rows, Monday first) and hour of the day (columns)."""
    used = [hour for hour in range(24) if any(day[hour] for day in busy)]
    first = min([WORKING_HOURS[0], *used])
    last = max([WORKING_HOURS[1] - 1, *used])
    hours = list(range(first, last + 1))
    largest = max((minutes for day in busy for minutes in day), default=0)
    rows = []
    for weekday, day in enumerate(busy):
        cells = []
        for column, hour in enumerate(hours):
            minutes = day[hour]
            shade = 0 if not minutes else 1 + min(int(minutes / largest * 4), 3)
            cells.append(
                {
                    "hour": hour,
                    "hours": minutes / 60,
                    "x": HEAT_LEFT + column * HEAT_CELL_WIDTH,
                    "fill": "#f3f6fa" if shade == 0 else SCALE[shade],
                    "dark": shade >= 3,
                }
            )
        rows.append(
            {
                "name": WEEKDAYS[weekday],
                "y": HEAT_TOP + weekday * HEAT_CELL_HEIGHT,
                "cells": cells,
            }
        )
    return {
        "rows": rows,
        "label_x": HEAT_LEFT - 6,
        "hours": [
            {"hour": hour, "x": HEAT_LEFT + i * HEAT_CELL_WIDTH + HEAT_CELL_WIDTH / 2}
            for i, hour in enumerate(hours)
        ],
        "width": HEAT_LEFT + len(hours) * HEAT_CELL_WIDTH,
        "height": HEAT_TOP + 7 * HEAT_CELL_HEIGHT,
        "cell_width": HEAT_CELL_WIDTH - 2,
        "cell_height": HEAT_CELL_HEIGHT - 2,
        "largest_hours": largest / 60,
        "empty": largest == 0,
    }
