"""Each figure is declared once; the page's tables, the sort options and the CSV follow it."""

import csv
import datetime
import io
import re

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from dashboard.columns import MONTH_COLUMNS, PART_COLUMNS, Column
from dashboard.figures import Figures, Month
from dashboard.forms import FilterForm
from tests.dashboard.conftest import MAY


def test_every_column_names_a_figure_of_its_rows():
    for column in PART_COLUMNS:
        assert hasattr(Figures(), column.name), column.name
    for column in MONTH_COLUMNS:
        assert hasattr(Month(datetime.date(2026, 5, 1)), column.name), column.name


def test_the_parts_sort_by_their_name_or_any_column_on_the_page():
    keys = [value for value, _label in FilterForm({}, today=None).fields["sort"].choices]

    expected = ["name", *(column.name for column in PART_COLUMNS.on_page)]
    assert keys == [f"{sign}{key}" for key in expected for sign in ("", "-")]


def test_a_missing_figure_is_a_dash_on_the_page_and_an_empty_csv_cell():
    utilisation = next(column for column in PART_COLUMNS if column.name == "utilisation")
    nothing_open = Figures()

    assert utilisation.shown(nothing_open) == "–"
    assert utilisation.written(nothing_open) == ""


def test_the_cell_tag_formats_a_figure_as_its_column_says():
    column = Column("median_decision", "Median decision time", show=lambda wait: f"[{wait}]")
    template = Template("{% load dashboard %}{% cell column row %}")
    row = Figures(median_decision=datetime.timedelta(hours=3))

    assert template.render(Context({"column": column, "row": row})) == "[3:00:00]"


def test_the_csv_writes_durations_in_hours_and_shares_in_percent():
    figures = Figures(approved=3, cancelled=1, median_decision=datetime.timedelta(minutes=90))
    written = {column.name: column.written(figures) for column in PART_COLUMNS.in_csv}

    assert written["median_decision"] == "1.5"
    assert written["cancellation_rate"] == "25.0"
    assert written["requests"] == 4


def test_the_page_and_the_csv_have_the_declared_columns(scene, official_client):
    url = reverse("dashboard:region", args=[scene["region"].slug])
    page = official_client.get(url, MAY).content.decode()
    download = official_client.get(url, {**MAY, "format": "csv"}).content.decode("utf-8-sig")

    table = page[page.index('class="table table--figures"') :]
    headers = re.findall(r'hx-push-url="true">([^<]*)</a>', table[: table.index("</thead>")])
    first_row = table[table.index("<tbody>") : table.index("</tr>", table.index("<tbody>"))]
    with translation.override("en"):
        assert headers == ["District", *(str(c.label) for c in PART_COLUMNS.on_page)]
        assert next(csv.reader(io.StringIO(download))) == [
            "Code", "Name", *(c.csv_header for c in PART_COLUMNS.in_csv)
        ]  # fmt: skip
    assert first_row.count('<td class="num">') == len(PART_COLUMNS.on_page)
