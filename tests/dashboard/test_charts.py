"""The server-drawn map: the regions' labels stay readable where their circles crowd together."""

from itertools import combinations

import pytest
from django.test import Client
from django.urls import reverse

from dashboard.charts import (
    MAP_HEIGHT,
    MAP_WIDTH,
    _label_box,
    _label_width,
    _overlaps,
    bubbles,
)
from rooms.sample_registry import load_registry


def label_boxes(chart):
    return {
        circle["label"]: _label_box(
            circle["label_x"], circle["label_y"], circle["anchor"], _label_width(circle["label"])
        )
        for circle in chart["circles"]
    }


def assert_readable(boxes):
    for (name, box), (other_name, other) in combinations(boxes.items(), 2):
        assert not _overlaps(box, other), f"{name} covers {other_name}"
    for name, (left, top, right, bottom) in boxes.items():
        assert left >= 0 and top >= 0 and right <= MAP_WIDTH and bottom <= MAP_HEIGHT, name


def test_a_lone_region_keeps_its_label_on_its_circle():
    (circle,) = bubbles([("제주", 33.4, 126.5, 30, 0.2)])["circles"]
    assert (circle["label_x"], circle["label_y"], circle["anchor"]) == (
        circle["x"],
        circle["y"],
        "middle",
    )


def test_labels_of_regions_on_one_point_move_apart():
    chart = bubbles(
        [
            ("서울", 37.56, 126.98, 297, 0.1),
            ("경기", 37.4, 127.1, 400, 0.1),
            ("인천", 37.45, 126.7, 80, 0.1),
        ]  # fmt: skip
    )
    assert_readable(label_boxes(chart))
    largest = chart["circles"][0]
    assert (largest["label"], largest["anchor"]) == ("경기", "middle")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ko", "en"])
def test_no_two_labels_of_the_seventeen_regions_overlap(official, language):
    load_registry()
    client = Client(headers={"Accept-Language": language})
    client.force_login(official)
    chart = client.get(reverse("dashboard:nation")).context["map"]
    assert len(chart["circles"]) == 17
    assert_readable(label_boxes(chart))
