"""The accessibility statement (접근성 정책): a page of its own, linked from every page."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_accessibility_statement_is_linked_from_every_page_in_both_languages(client):
    home = client.get("/").content.decode()
    assert 'href="/accessibility/"' in home

    korean = client.get("/accessibility/", HTTP_ACCEPT_LANGUAGE="ko")
    english = client.get("/accessibility/", HTTP_ACCEPT_LANGUAGE="en")

    assert korean.status_code == english.status_code == 200
    assert "웹 접근성 정책" in korean.content.decode()
    assert "KWCAG" in korean.content.decode()
    assert "Accessibility statement" in english.content.decode()
    assert '<html lang="en">' in english.content.decode()
