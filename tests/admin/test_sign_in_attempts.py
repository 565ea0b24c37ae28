"""axes's admin of sign-in attempts, as BOMS registers it (accounts/admin.py)."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def attempt(username, age):
    row = AccessAttempt.objects.create(
        user_agent="test", ip_address="127.0.0.1", username=username, http_accept="*/*",
        path_info="/accounts/login/", get_data="", post_data="", failures_since_start=1,
    )  # fmt: skip
    AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=timezone.now() - age)
    return row


def test_the_cleanup_action_removes_expired_attempts(client, superuser):
    expired = attempt("old@example.com", datetime.timedelta(days=1))
    recent = attempt("new@example.com", datetime.timedelta(minutes=1))
    client.force_login(superuser)

    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "cleanup_expired_attempts", "index": "0", "_selected_action": [recent.pk]},
    )

    assert response.status_code == 302
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AccessAttempt.objects.filter(pk=expired.pk).exists()
