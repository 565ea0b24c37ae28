"""The project's one CSV writer: BOM, local times, formulas defused, numbers left alone."""

import datetime

from django.utils import timezone

from web.csv import cell, csv_response


def test_text_that_starts_like_a_formula_gets_an_apostrophe():
    for text in ("=1+1", "+82-10", "-5", "@SUM(A1)", "\tx", "\rx"):
        assert cell(text) == "'" + text
    assert cell("회의 = 협의") == "회의 = 협의"


def test_numbers_none_and_times_are_written_as_they_read():
    assert cell(-5) == -5
    assert cell(2.5) == 2.5
    assert cell(None) == ""
    moment = timezone.make_aware(datetime.datetime(2026, 12, 1, 9, 30))
    assert cell(moment.astimezone(datetime.UTC)) == "2026-12-01 09:30"


def test_a_file_starts_with_a_byte_order_mark_and_names_itself():
    response = csv_response("x.csv", ["이름"], [["=1"]], stream=False)

    assert response.content.decode("utf-8") == "\ufeff이름\r\n'=1\r\n"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
