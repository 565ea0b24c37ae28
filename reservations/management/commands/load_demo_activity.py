import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reservations import synthetic
from reservations.availability import availability
from reservations.models import Reservation, Status
from reservations.rules import SLOT
from rooms.models import Room

DEMO_BOOKER = "demo@boms.example"
COMPANIES = 12
USERS = 40
SCALE = 0.08  # of the benchmark's bookings per day: about one booking in three open days a room
MONTHS_BACK = 3
DAYS_AHEAD = 14


class Command(BaseCommand):
    help = (
        "Fill a database without bookings with a few months of demo activity at every site, "
        "and give the demo user bookings of their own."
    )

    def handle(self, *args, **options):
        if Reservation.objects.exists():
            self.stdout.write(_("Bookings already exist; demo activity left as it is."))
            return
        booker = get_user_model().objects.filter(email=DEMO_BOOKER).first()
        if booker is None:
            raise CommandError(_("Create the demo accounts first: manage.py load_demo"))
        today = timezone.localdate()
        first = today.replace(day=1)
        for _month in range(MONTHS_BACK):
            first = (first - datetime.timedelta(days=1)).replace(day=1)
        rng = random.Random(2026)
        codes = synthetic.Codes(rng)
        with transaction.atomic():
            companies = _company_users()
            rows = synthetic.rows(
                list(synthetic.days_between(first, today + datetime.timedelta(days=DAYS_AHEAD))),
                list(companies), rng, now=timezone.now(), scale=SCALE,
                purpose="데모 회의", company_of=companies.__getitem__, codes=codes,
            )  # fmt: skip
            count = synthetic.bulk_insert(rows)
            own = _bookings_of(booker, today, rng, codes)
        self.stdout.write(
            _("Demo activity: %(count)s bookings from %(first)s, %(own)s of them the demo user's.")
            % {"count": f"{count + own:,}", "first": first.isoformat(), "own": own}
        )


def _company_users():
    """{user id: company} for the staff of the demo companies; they cannot sign in."""
    User = get_user_model()
    staff = [
        User(
            email=f"demo-company-{n:02d}@boms.example",
            name=f"데모 직원 {n}",
            account_type="business",
            company=f"데모 기업 {n % COMPANIES + 1}",
            business_number=synthetic.business_number(900 + n % COMPANIES),
            phone="010-0000-0000",
            password=make_password(None),
        )
        for n in range(USERS)
    ]
    User.objects.bulk_create(staff)
    return dict(
        User.objects.filter(email__startswith="demo-company-")
        .order_by("pk")
        .values_list("pk", "company")
    )


def _bookings_of(booker, today, rng, codes):
    """A meeting last week, one the day after tomorrow, and a hall event awaiting the manager."""
    standard = Room.objects.get(facility__code="STD-11-0001", kind="standard")
    hall = Room.objects.get(facility__code="HALL-1")
    wanted = [
        (standard, today - datetime.timedelta(days=7), -1, "거래처 화상 회의", 6),
        (standard, today + datetime.timedelta(days=2), 1, "투자 유치 화상 회의", 4),
        (hall, today + datetime.timedelta(days=9), 1, "신제품 설명회", 40),
    ]
    for room, day, step, purpose, attendees in wanted:
        length = datetime.timedelta(hours=2 if room.kind == "hall" else 1)
        start = _free_start(room, day, step, length)
        now = timezone.now()
        requested = min(now, start - datetime.timedelta(days=3))
        status = Status.PENDING if room.kind == "hall" else Status.APPROVED
        # The demo user came to last week's meeting, and stayed.
        status, checked_in, released, reminded = synthetic.afterwards(
            room.kind, status, start, start + length, now, rng, no_shows=0, ended_early=0
        )
        # One at a time: each free slot is looked up with the bookings before it in place.
        synthetic.bulk_insert([(
            room.pk, booker.pk, start, start + length, min(room.capacity, attendees), purpose,
            booker.company, booker.phone, status, None, "", requested, requested,
            codes(), True, checked_in, released, reminded,
        )])  # fmt: skip
    return len(wanted)


def _free_start(room, day, step, length):
    """The first start of `length` free on `day`, or on the days after (step 1) or before (-1)."""
    needed = length // SLOT
    while True:
        # Slots of a past day count as free here: the meeting took place then.
        midnight = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        slots = availability([room], day, now=min(timezone.now(), midnight))[room.pk].slots
        for index in range(len(slots) - needed + 1):
            if all(slot.free for slot in slots[index : index + needed]):
                return slots[index].start
        day += datetime.timedelta(days=step)
