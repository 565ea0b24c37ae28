"""Every figure of the hand-built scene in conftest.py, computed by hand."""

import datetime

import pytest

from dashboard.figures import Breakdown, Filters
from dashboard.periods import Period
from tests.dashboard.conftest import TODAY

MAY = Filters(Period(datetime.date(2026, 5, 1), datetime.date(2026, 5, 31)))
HOUR = datetime.timedelta(hours=1)


def region_report(scene, filters=MAY):
    return Breakdown(
        {"facility__district__region": scene["region"]}, "facility__district", filters, today=TODAY
    ).report()


def test_utilisation_leaves_out_holidays_and_closures(scene):
    report = region_report(scene)
    first, second = (report.parts[d.pk] for d in scene["districts"])

    assert first.open_hours == 18 * 9 - 5 == 157
    assert first.booked_hours == 2 + 2 + 1.5
    assert first.utilisation == pytest.approx(5.5 / 157)
    assert second.open_hours == 18 * 4 + 5 * 2 == 82
    assert second.utilisation == pytest.approx(2 / 82)
    assert report.total.utilisation == pytest.approx(7.5 / 239)


def test_bookings_are_counted_by_status_within_the_period(scene):
    total = region_report(scene).total

    assert (total.approved, total.pending, total.rejected, total.cancelled) == (4, 1, 1, 1)
    assert total.requests == 7
    assert total.cancellation_rate == pytest.approx(1 / 7)


def test_median_decision_time_covers_only_decided_bookings(scene):
    report = region_report(scene)
    first, second = (report.parts[d.pk] for d in scene["districts"])

    assert first.median_decision == 4 * HOUR  # of 2 h, 4 h and 10 h
    assert second.median_decision == HOUR
    assert report.total.median_decision == 3 * HOUR  # of 1 h, 2 h, 4 h and 10 h


def test_companies_are_distinct_business_numbers_served(scene):
    report = region_report(scene)
    first, second = (report.parts[d.pk] for d in scene["districts"])

    # District 1: two users of one business had approved bookings; the other business was
    # only rejected and is still pending there.
    assert (first.companies, second.companies, report.total.companies) == (1, 1, 2)


def test_registry_counts_follow_the_room_kind_filter(scene):
    report = region_report(scene, Filters(MAY.period, kind="booth"))

    assert (report.total.sites, report.total.booths, report.total.standard) == (1, 1, 0)
    assert report.total.requests == 1
    assert report.total.open_hours == 82


def test_the_monthly_trend_has_the_last_twelve_months(scene):
    trend = region_report(scene).trend

    assert [m.month for m in trend][0] == datetime.date(2025, 7, 1)
    assert [m.month for m in trend][-1] == datetime.date(2026, 6, 1)
    may = trend[-2]
    assert (may.requests, may.approved, may.booked_minutes) == (7, 4, 450)
    assert may.open_minutes == 239 * 60
    june = trend[-1]
    # June 2026: 22 weekdays less 3 June (election) = 21 at site A; site B adds 4 Saturdays,
    # less 6 June (Memorial Day).
    assert june.open_minutes == (21 * 9 + 21 * 4 + 3 * 2) * 60
    assert (june.approved, june.booked_minutes) == (1, 120)


def test_a_room_page_has_a_total_and_no_parts(scene):
    room = scene["rooms"][0]
    report = Breakdown({"pk": room.pk}, None, MAY, today=TODAY).report()

    assert report.parts == {}
    assert report.total.open_hours == 157
    assert report.total.booked_hours == 5.5
    assert report.total.median_decision == 4 * HOUR


def test_a_period_that_does_not_start_on_the_first_mixes_months_and_days(scene):
    period = Period(datetime.date(2026, 4, 20), datetime.date(2026, 6, 1))
    total = region_report(scene, Filters(period)).total

    assert total.approved == 5
    assert total.booked_hours == 7.5 + 2


def test_cancelling_a_past_booking_refreshes_the_cached_company_count(
    scene, manager, django_capture_on_commit_callbacks
):
    from reservations.models import Reservation
    from reservations.services import cancel

    assert region_report(scene).total.companies == 2
    site_b = scene["sites"][1]
    site_b.managers.add(manager)
    served = Reservation.objects.get(room=scene["rooms"][1])

    with django_capture_on_commit_callbacks(execute=True):
        cancel(manager, served, reason="노쇼")

    assert region_report(scene).total.companies == 1


def test_closing_one_room_takes_only_that_rooms_open_hours_away(scene):
    from tests.dashboard.conftest import at
    from tests.factories import BoothFactory, ClosureFactory

    site_a = scene["sites"][0]
    booth_a = BoothFactory(facility=site_a)
    ClosureFactory(facility=site_a, room=booth_a, start=at(5, 13, 9), end=at(5, 13, 18))
    site = Breakdown({"facility": site_a}, "pk", MAY, today=TODAY).report()

    # Both rooms lose the site-wide closure's five hours; the booth also its own nine.
    assert site.parts[scene["rooms"][0].pk].open_hours == 18 * 9 - 5
    assert site.parts[booth_a.pk].open_hours == 18 * 9 - 5 - 9


def test_individuals_are_counted_apart_from_companies(scene):
    from accounts.models import AccountType
    from tests.dashboard.conftest import at, booking
    from tests.factories import UserFactory

    person = UserFactory(account_type=AccountType.INDIVIDUAL, company="", business_number="")
    room = scene["rooms"][0]
    booking(room, person, at(5, 21, 10), at(5, 21, 11))
    booking(room, person, at(5, 22, 10), at(5, 22, 11))

    report = region_report(scene)
    first = report.parts[scene["districts"][0].pk]

    assert (first.companies, first.individuals) == (1, 1)
    assert (report.total.companies, report.total.individuals) == (2, 1)


def test_busy_hours_spread_booked_meetings_over_their_weekday_and_hours(scene):
    busy = Breakdown({"facility__district__region": scene["region"]}, None, MAY, today=TODAY)
    hours = busy.busy_hours()
    booked = {
        (weekday, hour): minutes
        for weekday, day in enumerate(hours)
        for hour, minutes in enumerate(day)
        if minutes
    }
    # Approved: Mon 4 May 10–12, Tue 12 May 09–11, Wed 20 May 14:00–15:30, the booth Sat 9 May
    # 10–12; the cancelled, rejected and pending bookings and June's are left out.
    assert booked == {
        (0, 10): 60, (0, 11): 60,
        (1, 9): 60, (1, 10): 60,
        (2, 14): 60, (2, 15): 30,
        (5, 10): 60, (5, 11): 60,
    }  # fmt: skip


def test_busy_hours_leave_out_the_days_ahead(scene):
    # On 12 May, the meetings of 20 May are still ahead; 4 May's and today's count.
    today = datetime.date(2026, 5, 12)
    busy = Breakdown(
        {"facility__district__region": scene["region"]}, None, MAY, today=today
    ).busy_hours()
    assert busy[2][14] == 0
    assert busy[0][10] == 60 and busy[1][9] == 60
