"""Small, explicit test data. The national registry is loaded only by tests about scale."""

import datetime
from decimal import Decimal

import factory
import holidays
from django.utils import timezone

from accounts.models import AccountType, User
from regions.models import District, Region
from reservations.models import Reservation, Status
from reservations.synthetic import business_number
from rooms.models import Closure, Facility, HostType, OpeningHours, Room, RoomKind


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    email_verified_at = factory.LazyFunction(timezone.now)
    name = factory.Sequence(lambda n: f"사용자{n}")
    account_type = AccountType.BUSINESS
    company = "주식회사 예시"
    # Each user a company of their own, as most are; colleagues share a number explicitly.
    business_number = factory.Sequence(lambda n: business_number(n % 10000))
    phone = "010-1234-5678"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class IndividualUserFactory(UserFactory):
    account_type = AccountType.INDIVIDUAL
    company = ""
    business_number = ""


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "11"
    slug = "seoul"
    name_ko = "서울"
    name_en = "Seoul"
    order = 1
    source_site_count = 295


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"{11000 + n:05d}")
    name_ko = factory.Sequence(lambda n: f"구{n}")
    name_en = factory.Sequence(lambda n: f"District {n}")
    latitude = Decimal("37.5172")
    longitude = Decimal("127.0473")


class FacilityFactory(factory.django.DjangoModelFactory):
    """A site open Monday to Friday, 09:00–18:00, unless `opening_hours=[...]` says otherwise."""

    class Meta:
        model = Facility
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"TEST-{n:05d}")
    name = factory.Sequence(lambda n: f"테스트 센터 {n}")
    host_organization = "테스트 지식산업센터"
    host_type = HostType.KNOWLEDGE_INDUSTRY_CENTER
    district = factory.SubFactory(DistrictFactory)
    address = "서울특별시 강남구 테헤란로 1"
    latitude = Decimal("37.5172")
    longitude = Decimal("127.0473")
    phone = "02-000-0000"

    @factory.post_generation
    def opening_hours(obj, create, extracted, **kwargs):
        if not create:
            return
        hours = (
            extracted
            if extracted is not None
            else [
                (day, OpeningHours.DEFAULT_OPENS, OpeningHours.DEFAULT_CLOSES)
                for day in OpeningHours.DEFAULT_WEEKDAYS
            ]
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(facility=obj, weekday=day, opens=opens, closes=closes)
            for day, opens, closes in hours
        )

    @factory.post_generation
    def managers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.managers.set(extracted)


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    facility = factory.SubFactory(FacilityFactory)
    kind = RoomKind.STANDARD
    name = factory.Sequence(lambda n: f"화상회의실 {n}")
    capacity = 10
    has_camera = True
    has_speakerphone = True
    has_display = True
    has_pc = True
    has_vc_software = True


class BoothFactory(RoomFactory):
    kind = RoomKind.BOOTH
    name = factory.Sequence(lambda n: f"스마트워크 부스 {n}")
    capacity = 2


class HallFactory(RoomFactory):
    kind = RoomKind.HALL
    name = factory.Sequence(lambda n: f"확장형 회의실 {n}")
    capacity = 100
    floor_area = Decimal("480.1")
    has_interpretation = True
    has_streaming = True
    facility = factory.SubFactory(FacilityFactory, requires_approval=True)


def next_weekday_at(hour, minute=0, days_ahead=1):
    """An aware datetime on the first working day (Mon–Fri, no holiday) `days_ahead` from now."""
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    while day.weekday() >= 5 or day in holidays.KR(years=day.year):
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class ReservationFactory(factory.django.DjangoModelFactory):
    """A row written directly, bypassing the booking rules: for setting up a scene."""

    class Meta:
        model = Reservation

    room = factory.SubFactory(RoomFactory)
    booked_by = factory.SubFactory(UserFactory)
    start = factory.LazyFunction(lambda: next_weekday_at(10))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=1))
    attendees = 4
    purpose = "거래처 화상회의"
    company_name = "주식회사 예시"
    contact_phone = "010-1234-5678"
    status = Status.APPROVED


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    facility = factory.SubFactory(FacilityFactory)
    room = None
    start = factory.LazyFunction(lambda: next_weekday_at(9))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=9))
    reason = "정기 점검"
