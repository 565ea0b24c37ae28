"""Keys in URL paths never reach the logs; every URL that carries one has its entry."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from web.redaction import REDACTED, redact

SECRET_ARGUMENTS = {"token", "key", "secret", "uidb64"}
SAMPLE = "S3cretVa1ue"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/my/calendar/Abc_123-xyz.ics", f"/my/calendar/{REDACTED}.ics"),
        (
            "/accounts/password/reset/MQ/cz1k-0123456789abcdef/",
            f"/accounts/password/reset/{REDACTED}/{REDACTED}/",
        ),
        (
            "Internal Server Error: /my/calendar/Abc_123.ics",
            f"Internal Server Error: /my/calendar/{REDACTED}.ics",
        ),
        (
            'File "x", GET /my/calendar/a.ics and /my/calendar/b.ics',
            f'File "x", GET /my/calendar/{REDACTED}.ics and /my/calendar/{REDACTED}.ics',
        ),
        ("/my/calendar/revoke/", "/my/calendar/revoke/"),
        ("/accounts/password/reset/", "/accounts/password/reset/"),
        ("/accounts/password/reset/done/", "/accounts/password/reset/done/"),
        ("/rooms/12/", "/rooms/12/"),
    ],
)
def test_secret_segments_are_replaced_and_nothing_else(text, expected):
    assert redact(text) == expected


def secret_routes(resolver=None, namespace="", arguments=frozenset()):
    """(URL name, argument names) of every route with an argument named like a key."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        names = arguments | set(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from secret_routes(entry, inner, names)
        elif isinstance(entry, URLPattern) and entry.name and names & SECRET_ARGUMENTS:
            yield f"{namespace}{entry.name}", names


def test_the_project_has_routes_with_keys():
    assert {name for name, _ in secret_routes()} >= {"mine:feed", "accounts:password_reset_confirm"}


@pytest.mark.parametrize(("name", "arguments"), list(secret_routes()))
def test_every_route_with_a_key_is_redacted(name, arguments):
    kwargs = {argument: f"{SAMPLE}{i}" if argument in SECRET_ARGUMENTS else "1"
              for i, argument in enumerate(sorted(arguments))}  # fmt: skip
    path = reverse(name, kwargs=kwargs)
    redacted = redact(path)
    for argument in arguments & SECRET_ARGUMENTS:
        assert kwargs[argument] not in redacted, f"add {name}'s path to web.redaction.SECRET_PATHS"
