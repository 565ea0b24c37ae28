"""Importing the real list of sites from the admin (superusers): the preview writes nothing,
the import writes all of it or nothing, and new managers are invited once."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import FACILITY_MANAGERS
from rooms.models import Facility, FacilityImport
from tests.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db

UPLOAD = "admin:rooms_facility_import"
PREVIEW = "admin:rooms_facility_import_preview"
HEADER = "code,name,host_organization,host_type,district_code,address,latitude,longitude,managers\n"
ROW = "SEOUL-GN-{n:03d},강남 센터 {n},강남 창업허브,incubator,11680,서울특별시 강남구 테헤란로 {n},37.5172,127.0473,{managers}\n"


@pytest.fixture(autouse=True)
def gangnam():
    return DistrictFactory(code="11680", name_ko="강남구", name_en="Gangnam-gu")


def csv_file(*rows, name="sites.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, (HEADER + "".join(rows)).encode(encoding), "text/csv")


def row(n, managers=""):
    return ROW.format(n=n, managers=managers)


def upload(client, file):
    return client.post(reverse(UPLOAD), {"file": file})


def preview(client, file):
    response = upload(client, file)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"])


def apply(client, page):
    return client.post(reverse(PREVIEW, args=[page.context["stored"].pk]), follow=True)


def invitations(mailoutbox):
    return [mail for mail in mailoutbox if "invited" in mail.subject]


def test_the_preview_shows_each_line_and_writes_nothing(client, superuser, mailoutbox):
    client.force_login(superuser)
    users_before = get_user_model().objects.count()

    page = preview(client, csv_file(row(1, "new.manager@site.example"), row(2)))

    assert page.status_code == 200
    lines = page.context["result"].lines
    assert [(line.line, line.code, line.action) for line in lines] == [
        (2, "SEOUL-GN-001", "create"),
        (3, "SEOUL-GN-002", "create"),
    ]
    assert lines[0].new_managers == ["new.manager@site.example"]
    assert "new.manager@site.example" in page.content.decode()
    assert not Facility.objects.exists()
    assert get_user_model().objects.count() == users_before
    assert mailoutbox == []


def test_the_preview_lists_the_refused_lines_and_offers_no_import(client, superuser):
    client.force_login(superuser)

    page = preview(client, csv_file(row(1), row(2, "not-an-address")))

    body = page.content.decode()
    assert "line 3: managers" in body
    assert "Import all of it" not in body
    assert not Facility.objects.exists()


def test_importing_writes_every_line_and_invites_each_new_manager_once(
    client, superuser, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    page = preview(
        client, csv_file(row(1, "kim@site.example; lee@site.example"), row(2, "kim@site.example"))
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = apply(client, page)

    assert response.status_code == 200
    assert Facility.objects.count() == 2
    kim = get_user_model().objects.get(email="kim@site.example")
    assert not kim.has_usable_password()
    assert kim.is_staff and kim.groups.filter(name=FACILITY_MANAGERS).exists()
    assert set(kim.managed_facilities.values_list("code", flat=True)) == {
        "SEOUL-GN-001",
        "SEOUL-GN-002",
    }
    sent = invitations(mailoutbox)
    assert sorted(mail.to[0] for mail in sent) == ["kim@site.example", "lee@site.example"]
    assert "/accounts/password/reset/" in sent[0].body

    # The same file again, uploaded anew: nothing new, nobody invited again.
    again = preview(
        client, csv_file(row(1, "kim@site.example; lee@site.example"), row(2, "kim@site.example"))
    )
    assert [line.action for line in again.context["result"].lines] == ["unchanged", "unchanged"]
    with django_capture_on_commit_callbacks(execute=True):
        apply(client, again)
    assert len(invitations(mailoutbox)) == 2


def test_the_invitation_link_sets_the_password_and_proves_the_address(
    client, superuser, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    page = preview(client, csv_file(row(1, "kim@site.example")))
    with django_capture_on_commit_callbacks(execute=True):
        apply(client, page)
    link = next(
        line for line in invitations(mailoutbox)[0].body.splitlines() if "/password/reset/" in line
    )
    client.logout()

    form = client.get(link.split("testserver")[-1].strip(), follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Gangnam-manager-2026!", "new_password2": "Gangnam-manager-2026!"},
    )

    assert response.status_code == 302
    kim = get_user_model().objects.get(email="kim@site.example")
    assert kim.check_password("Gangnam-manager-2026!")
    assert kim.email_verified_at is not None


def test_an_existing_confirmed_account_becomes_a_manager_without_an_invitation(
    client, superuser, mailoutbox, django_capture_on_commit_callbacks
):
    staffer = UserFactory(email="park@site.example")
    client.force_login(superuser)
    page = preview(client, csv_file(row(1, "Park@Site.example")))

    with django_capture_on_commit_callbacks(execute=True):
        apply(client, page)

    staffer.refresh_from_db()
    assert staffer.is_staff
    assert list(staffer.managed_facilities.values_list("code", flat=True)) == ["SEOUL-GN-001"]
    assert invitations(mailoutbox) == []


def test_an_unconfirmed_account_with_its_own_password_cannot_be_made_a_manager(client, superuser):
    squatter = UserFactory(email="kim@site.example", email_verified_at=None)
    client.force_login(superuser)

    page = preview(client, csv_file(row(1, "kim@site.example")))

    assert "never confirmed" in page.content.decode()
    apply(client, page)
    assert not Facility.objects.exists()
    squatter.refresh_from_db()
    assert not squatter.is_staff


def test_a_file_that_no_longer_imports_cleanly_imports_nothing(client, superuser, mailoutbox):
    client.force_login(superuser)
    page = preview(client, csv_file(row(1, "kim@site.example"), row(2)))
    UserFactory(email="kim@site.example", email_verified_at=None)  # signed up meanwhile

    response = apply(client, page)

    assert "Nothing was imported" in response.content.decode()
    assert not Facility.objects.exists()
    assert page.context["stored"].__class__.objects.get().applied_at is None


def test_pressing_import_twice_imports_once(client, superuser):
    client.force_login(superuser)
    page = preview(client, csv_file(row(1)))
    apply(client, page)

    response = apply(client, page)

    assert "imported already" in response.content.decode()
    assert Facility.objects.count() == 1


def test_the_stored_file_is_previewed_by_any_process(client, superuser):
    """The upload is a row of the database, not a process's memory."""
    stored = FacilityImport.objects.create(file_name="sites.csv", text=HEADER + row(7))
    client.force_login(superuser)

    page = client.get(reverse(PREVIEW, args=[stored.pk]))

    assert [line.code for line in page.context["result"].lines] == ["SEOUL-GN-007"]


def test_a_cp949_file_is_refused_with_the_commands_explanation(client, superuser):
    client.force_login(superuser)

    response = upload(client, csv_file(row(1), encoding="cp949"))

    assert response.status_code == 400
    body = response.content.decode()
    assert "is not UTF-8" in body and "iconv -f cp949 -t utf-8" in body
    assert not FacilityImport.objects.exists()


@pytest.mark.parametrize(
    "file",
    [
        SimpleUploadedFile("sites.csv", b"code,name\x00\nA,B\n", "text/csv"),
        SimpleUploadedFile("sites.csv", b"\xff\xfe\x00\x00garbage", "text/csv"),
        SimpleUploadedFile("sites.csv", b"", "text/csv"),
        SimpleUploadedFile("sites.csv", b"x" * (10 * 1024 * 1024 + 1), "text/csv"),
    ],
    ids=["nul", "not-utf8", "empty", "too-large"],
)
def test_hostile_files_are_refused_with_a_400(client, superuser, file):
    client.force_login(superuser)

    response = upload(client, file)

    assert response.status_code == 400
    assert not FacilityImport.objects.exists()


def test_a_post_without_a_file_is_refused_with_a_400(client, superuser):
    client.force_login(superuser)

    response = client.post(reverse(UPLOAD), '{"file": "x"}', content_type="application/json")

    assert response.status_code == 400


def test_a_hostile_file_name_is_kept_harmless(client, superuser):
    client.force_login(superuser)

    response = upload(client, csv_file(row(1), name="a\x07" + "b" * 300 + ".csv"))

    assert response.status_code == 302
    assert len(FacilityImport.objects.get().file_name) <= 255
    assert "\x07" not in FacilityImport.objects.get().file_name


@pytest.mark.parametrize("role", ["owner_manager", "ministry_official", "sme_user"])
def test_only_superusers_reach_the_import(client, user_in_role, role):
    client.force_login(user_in_role(role))
    stored = FacilityImport.objects.create(file_name="sites.csv", text=HEADER + row(1))

    pages = [
        client.get(reverse(UPLOAD)),
        client.post(reverse(UPLOAD), {"file": csv_file(row(2))}),
        client.get(reverse(PREVIEW, args=[stored.pk])),
        client.post(reverse(PREVIEW, args=[stored.pk])),
    ]

    assert [page.status_code for page in pages] == [403 if role != "sme_user" else 302] * 4
    assert not Facility.objects.exists()
    assert FacilityImport.objects.count() == 1


def test_an_import_id_beyond_any_row_is_a_404(client, superuser):
    client.force_login(superuser)

    assert client.get(reverse(PREVIEW, args=[10**30])).status_code == 404
