"""Every page and every form, as every role, with every class of hostile input: no 5xx, and
nothing half-written.

The walk finds its work itself, so a new page is covered without editing this module:

- the URL patterns from the URLconf (`get_resolver().url_patterns`, recursively: the admin's
  model pages included), their path converters filled with ids of a small scene of test data
  (for an admin page, a row that role sees);
- the forms of each page from its rendered HTML (action, method, every named input, select,
  textarea and button), and the query parameters of the page's own links (an admin
  changelist's filters, ordering, date drill-down);
- then hostile values, field by field: extreme dates, control characters, 100,000 characters,
  ids that are not ids, duplicated parameters; and per request: charsets other than UTF-8,
  invalid UTF-8 in the query string and the body, JSON and multipart bodies where a form is
  expected, garbage HTMX headers, path ids that are huge, negative or text.

A request answered with a 4xx must have left the domain tables as they were.

The cross product is large, so each test (a role and a group of URLs) visits every URL
pattern of its group with one hostile request at least, then samples
`HOSTILE_WALK_SAMPLE` more requests with the seed `HOSTILE_WALK_SEED`; a failure names the
seed, so it reproduces. PostgreSQL only: it is what raised the DataErrors (NUL in text,
integers out of range) that SQLite lets through.
"""

import datetime
import json
import os
import random
import re
import time
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.timezone import now

from accounts.roles import FACILITY_MANAGERS, MINISTRY_OFFICIALS
from reservations.models import Status, Suspension
from tests.factories import (
    BoothFactory,
    ClosureFactory,
    FacilityFactory,
    HallFactory,
    IndividualUserFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)
from waitlist.models import Entry
from worker.models import Email, Sweep

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the hostile walk runs on PostgreSQL, which raised the DataErrors it guards "
        "against (NUL in text, integers out of range); SQLite accepts them",
    ),
]

SAMPLE = int(os.environ.get("HOSTILE_WALK_SAMPLE", "120"))
SEED = os.environ.get("HOSTILE_WALK_SEED", "20261201")

ROLES = ["anonymous", "booker", "individual", "manager", "official", "superuser"]

# The apps whose tables a refused request must leave untouched. Sessions, sign-in attempts
# (axes) and authenticator throttling are written by refusals on purpose.
DOMAIN_APPS = [
    "accounts", "regions", "rooms", "reservations", "waitlist", "worker", "auth", "admin",
]  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Hostile values
# ---------------------------------------------------------------------------------------------

HUGE = "9" * 30
VALUES = {
    "dates": [
        "0001-01-01",
        "9999-12-31",
        "1" + "0" * 29 + "-01-01",
        "99999",
        "1" + "0" * 29,
        "2026-02-30",
        "9999-12-31 23:59",
    ],
    "control": ["\x00", "a\x00b", "\x1b[31m", "\x7f", "\x85", "\x08"],
    "long": ["x" * 100_000, "1" * 100_000],
    "ids": [HUGE, "9223372036854775808", "-1", "1.5", "abc", "' OR 1=1"],
}
PATH_IDS = [HUGE, "9223372036854775808", "2147483648", "-1", "0", "abc", "1.5"]
HTMX_HEADERS = [
    {"HX-Request": "true", "HX-Current-URL": "http://[::1"},
    {"HX-Request": "true", "HX-Current-URL": "\x00", "HX-Target": "<script>"},
    {"HX-Request": "garbage", "HX-Target": "#" + "a" * 10_000, "HX-Trigger": "\x7f"},
    {
        "HX-Request": "true",
        "HX-Boosted": "maybe",
        "HX-Trigger-Name": "' OR 1=1",
        "HX-Prompt": "\x85",
        "HX-History-Restore-Request": "true",
    },  # fmt: skip
]
CHARSETS = ["latin-1", "x-unknown-charset", "utf-16"]
BAD_BYTES = ["%FF%FE", "\xff\xfe", "%C3%28", "%ED%A0%80"]


# ---------------------------------------------------------------------------------------------
# Discovery: URL patterns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    route: str  # as ResolverMatch.route spells it
    name: str  # namespaced name, or the route when it has none
    pieces: tuple  # the pattern text of each level, to be filled

    @property
    def group(self):
        """Tests are per role and per group of URLs, so a failure reads as where it is."""
        if self.route.startswith("admin/"):
            match = re.match(r"admin/(\w+)/(\w+)/", self.route)
            if match and match[1] in ADMIN_GROUPS:
                return f"admin-{ADMIN_GROUPS[match[1]]}"
            return "admin-site"
        first = self.route.split("/", 1)[0]
        if first in ("accounts", "dashboard"):
            return first
        if first in ("my", "book", "waitlist"):
            return "portal-bookings"
        return "portal"


ADMIN_GROUPS = {
    "reservations": "reservations",
    "waitlist": "reservations",
    "rooms": "rooms",
    "regions": "regions",
    "accounts": "accounts",
    "auth": "libraries",
    "axes": "libraries",
    "worker": "libraries",
    "otp_totp": "libraries",
}
GROUPS = ["portal", "portal-bookings", "accounts", "dashboard", "admin-site", "admin-accounts",
          "admin-regions", "admin-rooms", "admin-reservations", "admin-libraries"]  # fmt: skip


def _join(route1, route2):
    # django.urls.resolvers.URLResolver._join_route
    return route2 if not route1 else route1 + route2.removeprefix("^")


def url_patterns(patterns=None, route="", pieces=(), namespace=None):
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        text = str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from url_patterns(entry.url_patterns, _join(route, text), (*pieces, text), inner)
        else:
            full = _join(route, text)
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield Pattern(route=full, name=name or full, pieces=(*pieces, text))


ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*(?:\([^()]*\)[^()]*)*)\)")


def parameters(pattern):
    """(name, converter) of each parameter in the pattern, in order."""
    found = []
    for piece in pattern.pieces:
        found += [(m["name"], m["converter"] or "str") for m in ROUTE_PARAMETER.finditer(piece)]
        found += [(m["name"], "regex") for m in REGEX_GROUP.finditer(piece)]
    return found


def fill(pattern, values):
    """The path of the pattern with the given parameter values."""
    path = ""
    for piece in pattern.pieces:
        if piece.startswith("^") or piece.endswith("$") or "(?P<" in piece:
            text = piece.removeprefix("^").removesuffix("$")
            text = REGEX_GROUP.sub(lambda m: str(values[m["name"]]), text)
            text = text.replace("\\.", ".").replace("\\-", "-")
        else:
            text = ROUTE_PARAMETER.sub(lambda m: str(values[m["name"]]), piece)
        path += text
    return "/" + path


def resolves_to(path, pattern):
    try:
        return resolve(path).route == pattern.route
    except Resolver404:
        return False


# ---------------------------------------------------------------------------------------------
# Discovery: forms and link parameters
# ---------------------------------------------------------------------------------------------


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: list = field(default_factory=list)  # [(name, value, kind)]
    choices: dict = field(default_factory=dict)  # select name -> option values

    def data(self):
        """What a browser sends unchanged: the checked boxes, the selected options."""
        sent = []
        for name, value, kind in self.fields:
            if kind in ("checkbox-off", "radio-off", "submit", "file"):
                continue
            sent.append((name, value))
        submits = [(n, v) for n, v, k in self.fields if k == "submit"]
        return sent + submits[:1]

    def names(self):
        return sorted({name for name, _, kind in self.fields if kind != "file"})


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.links = []
        self.autocompletes = set()
        self.form = None
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for attribute in ("href", "hx-get", "action"):
            if attrs.get(attribute):
                self.links.append(attrs[attribute])
        if "data-field-name" in attrs and "data-app-label" in attrs:
            self.autocompletes.add(
                (
                    attrs["data-app-label"],
                    attrs.get("data-model-name", ""),
                    attrs["data-field-name"],
                )
            )
        if tag == "form":
            self.form = Form(page="", action=attrs.get("action") or "",
                             method=(attrs.get("method") or "get").lower())  # fmt: skip
            self.forms.append(self.form)
            return
        form = self.form
        if tag == "option" and self.select is not None and form is not None:
            value = attrs.get("value") or ""
            form.choices[self.select["name"]].append(value)
            self.select.setdefault("first", value)
            if "selected" in attrs:
                self.select["selected"] = value
            return
        name = attrs.get("name")
        if form is None or not name:
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            value = attrs.get("value") or ("on" if kind in ("checkbox", "radio") else "")
            if kind in ("checkbox", "radio"):
                kind = kind if "checked" in attrs else f"{kind}-off"
            elif kind in ("submit", "image", "button", "reset"):
                kind = "submit" if kind in ("submit", "image") else "ignored"
            if kind != "ignored":
                form.fields.append((name, value, kind))
        elif tag == "button" and (attrs.get("type") or "submit") == "submit":
            form.fields.append((name, attrs.get("value") or "", "submit"))
        elif tag == "select":
            self.select = {"name": name}
            form.choices[name] = []
        elif tag == "textarea":
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.textarea and self.form:
            self.form.fields.append((self.textarea[0], self.textarea[1].lstrip("\n"), "text"))
            self.textarea = None
        elif tag == "select" and self.select and self.form:
            value = self.select.get("selected", self.select.get("first", ""))
            self.form.fields.append((self.select["name"], value, "select"))
            self.select = None


def page_parts(page_url, content):
    parser = PageParser()
    parser.feed(content)
    forms = []
    for form in parser.forms:
        form.page = page_url
        form.action = (
            urljoin(page_url, form.action.replace("&amp;", "&")) if form.action else page_url
        )
        forms.append(form)
    path = urlsplit(page_url).path
    link_parameters = {}
    for link in parser.links:
        parts = urlsplit(urljoin(page_url, link))
        if parts.netloc not in ("", "testserver") or parts.path != path:
            continue
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            link_parameters.setdefault(name, value)
    return forms, link_parameters, sorted(parser.autocompletes)


# ---------------------------------------------------------------------------------------------
# The scene and the roles
# ---------------------------------------------------------------------------------------------


def staff_in(group_name, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def scene(db):
    manager = staff_in(FACILITY_MANAGERS, email="walk.manager@example.com")
    users = {
        "anonymous": None,
        "booker": UserFactory(email="walk.booker@example.com"),
        "individual": IndividualUserFactory(email="walk.person@example.com"),
        "manager": manager,
        "official": staff_in(MINISTRY_OFFICIALS, email="walk.official@example.com"),
        "superuser": UserFactory(
            email="walk.root@example.com", is_staff=True, is_superuser=True
        ),  # fmt: skip
    }
    own = FacilityFactory(requires_approval=True, managers=[manager])
    other = FacilityFactory()
    room = RoomFactory(facility=own)
    RoomFactory(facility=other)
    BoothFactory(facility=own)
    HallFactory()
    for user, start in ((users["booker"], 2), (users["individual"], 3)):
        ReservationFactory(room=room, booked_by=user, status=Status.PENDING,
                           start=next_weekday_at(10, days_ahead=start))  # fmt: skip
        ReservationFactory(room=room, booked_by=user, status=Status.APPROVED,
                           start=next_weekday_at(13, days_ahead=start))  # fmt: skip
    ClosureFactory(facility=own, start=next_weekday_at(9, days_ahead=20))
    for user in (users["booker"], users["individual"]):
        start = next_weekday_at(10, days_ahead=2)
        Entry.objects.create(user=user, room=room, start=start,
                             end=start + datetime.timedelta(hours=1),
                             attendees=2, purpose="대기")  # fmt: skip
    Suspension.objects.create(
        user=users["individual"],
        starts_at=now(),
        ends_at=now() + datetime.timedelta(days=7),
        no_shows=3,
    )
    # The queue probe answers 200 while a worker sweeps: any 5xx of the walk is then a finding.
    Sweep.objects.update_or_create(pk=1, defaults={"swept_at": now()})
    Email.objects.create(subject="제목", from_email="boms@example.com", to=["a@example.com"],
                         body="본문", status=Email.Status.FAILED)  # fmt: skip
    attempt = {"user_agent": "walk", "ip_address": "127.0.0.1", "username": "walk@example.com",
               "http_accept": "*/*", "path_info": "/accounts/login/"}  # fmt: skip
    AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**attempt)
    AccessLog.objects.create(**attempt)
    return users


# ---------------------------------------------------------------------------------------------
# Filling the path
# ---------------------------------------------------------------------------------------------

SEGMENT_MODELS = {
    "rooms": "rooms.Room",
    "room": "rooms.Room",
    "facilities": "rooms.Facility",
    "done": "reservations.Reservation",
    "my": "reservations.Reservation",
    "r": "regions.Region",
    "d": "regions.District",
    "s": "rooms.Facility",
    "user": "accounts.User",
    "waitlist": "waitlist.Entry",
}


def visible_rows(model, user):
    """Rows of the model this user sees: through its model admin when it has one."""
    model_admin = admin.site._registry.get(model)
    queryset = model._default_manager.all()
    if model_admin is not None and user is not None and user.is_staff:
        request = RequestFactory().get("/admin/")
        request.user = user
        try:
            queryset = model_admin.get_queryset(request)
        except Exception:  # noqa: BLE001 - a fallback for discovery only
            queryset = model._default_manager.all()
    if user is not None and model._meta.label == "reservations.Reservation" and not user.is_staff:
        queryset = queryset.filter(booked_by=user)
    if user is not None and model._meta.label == "waitlist.Entry" and not user.is_staff:
        queryset = queryset.filter(user=user)
    return queryset.order_by("pk")


def model_for(pattern, name):
    admin_page = re.match(r"admin/(\w+)/(\w+)/", pattern.route)
    if name in ("object_id", "id") and admin_page:
        try:
            return apps.get_model(admin_page[1], admin_page[2])
        except LookupError:
            return None
    word = re.sub(r"_(pk|id)$", "", name)
    for candidate in apps.get_models():
        if candidate._meta.model_name == word:
            return candidate
    before = pattern.route.split(f"<{name}")[0].split(":")[0].rstrip("/").split("/")
    label = SEGMENT_MODELS.get(before[-1]) or SEGMENT_MODELS.get(
        before[-2] if len(before) > 1 else ""
    )
    if label is None and len(before) > 1 and before[-1].startswith("<"):
        label = SEGMENT_MODELS.get(before[-2])
    return apps.get_model(label) if label else None


def real_values(pattern, user, scene):
    """Values for the pattern's parameters naming real rows, as the pages link to them."""
    someone = user or scene["booker"]
    values = {}
    for name, converter in parameters(pattern):
        if name == "app_label":
            values[name] = (re.search(r"\(\?P<app_label>(\w+)", pattern.route) or ["", "rooms"])[1]
        elif name == "url":
            values[name] = "no-such-page/"
        elif name == "uidb64":
            values[name] = urlsafe_base64_encode(force_bytes(someone.pk))
        elif name == "token" and "uidb64" in pattern.route:
            values[name] = default_token_generator.make_token(someone)
        elif name == "token":
            values[name] = someone.calendar_token
        elif name == "content_type_id":
            values[name] = ContentType.objects.get_for_model(apps.get_model("rooms.Room")).pk
        else:
            model = model_for(pattern, name)
            if name == "object_id" and "/r/" in pattern.route:
                model = apps.get_model("rooms.Room")
            row = None
            if model is not None:
                row = visible_rows(model, user).first() or model._default_manager.first()
            if row is None:
                values[name] = 1
            elif converter in ("slug", "str") and hasattr(row, "slug"):
                values[name] = row.slug
            elif converter in ("slug", "str") and hasattr(row, "code"):
                values[name] = row.code
            else:
                values[name] = row.pk
    return values


# ---------------------------------------------------------------------------------------------
# Hostile requests
# ---------------------------------------------------------------------------------------------


@dataclass
class Case:
    pattern: Pattern
    kind: str  # the class of hostile input
    method: str
    path: str
    what: str  # for the failure message
    query: list = field(default_factory=list)
    raw_query: str | None = None
    body: object = None
    content_type: str | None = None
    headers: dict = field(default_factory=dict)
    destructive: bool = False

    def describe(self):
        query = self.raw_query if self.raw_query is not None else urlencode(self.query)
        return f"{self.kind:9} {self.method} {self.path}{'?' if query else ''}{_short(query)} [{self.what}]"


def _short(text, limit=120):
    text = repr(text)[1:-1] if isinstance(text, str) else repr(text)
    return text if len(text) <= limit else text[:limit] + f"…({len(text)} chars)"


def value_cases(pattern, path, method, base, names, send):
    """Each hostile value in each named field, the rest of the form as it was."""
    cases = []
    for name in names:
        for kind, values in VALUES.items():
            for value in values:
                data = [(n, v) for n, v in base if n != name] + [(name, value)]
                cases.append(send(kind, data, f"{name}={_short(value, 40)}"))
        original = next((v for n, v in base if n == name), "")
        for pair in ((original, "abc"), (original, "")):
            data = [(n, v) for n, v in base if n != name] + [(name, pair[0]), (name, pair[1])]
            cases.append(send("duplicate", data, f"{name} twice"))
    return cases


def cases_for(pattern, path, forms, link_parameters):
    cases = []

    def get(kind, query, what, **extra):
        return Case(pattern, kind, "get", path, what, query=query, **extra)

    # The query parameters the page's forms and links use, and a name of our own.
    query_base = list(link_parameters.items())
    query_names = sorted(set(link_parameters) | {"q"})
    for form in forms:
        if form.method == "get" and urlsplit(form.action).path == path:
            query_names = sorted(set(query_names) | set(form.names()))
    cases += value_cases(pattern, path, "get", [], query_names,
                         lambda kind, data, what: get(kind, data, what))  # fmt: skip
    for raw in BAD_BYTES:
        name = query_names[0] if query_names else "q"
        cases.append(get("bytes", [], f"{name}={raw!r}", raw_query=f"{name}={raw}"))
        cases.append(get("bytes", [], f"name {raw!r}", raw_query=f"{raw}=1"))
    for headers in HTMX_HEADERS:
        cases.append(get("htmx", query_base, _short(str(headers), 60), headers=headers))
    for charset in CHARSETS:
        cases.append(get("charset", [], charset,
                         headers={"Content-Type": f"text/plain; charset={charset}"}))  # fmt: skip

    for form in forms:
        action = urlsplit(form.action)
        if form.method != "post" or action.netloc not in ("", "testserver"):
            continue
        try:
            target = resolve(action.path)
        except Resolver404:
            continue
        destructive = target.url_name is not None and (
            target.url_name.endswith("_delete") or target.url_name in ("delete", "logout")
        )
        action_query = parse_qsl(action.query, keep_blank_values=True)
        base = form.data()

        def post(kind, data, what, body=None, content_type=None, headers=None, form=form,
                 action=action, action_query=action_query, destructive=destructive):  # fmt: skip
            return Case(pattern, kind, "post", action.path,
                        f"form of {form.page}: {what}", query=action_query,
                        body=data if body is None else body,
                        content_type=content_type, headers=headers or {},
                        destructive=destructive)  # fmt: skip

        cases += value_cases(pattern, action.path, "post", base, form.names(), post)
        for option in form.choices.get("action", []):
            if option:
                for value in VALUES["ids"]:
                    ids = [(n, v) for n, v in base if n not in ("action", "_selected_action")]
                    some_id = next((v for n, v, _ in form.fields if n == "_selected_action"), "1")
                    data = ids + [("action", option), ("index", "0"),
                                  ("_selected_action", some_id), ("_selected_action", value)]  # fmt: skip
                    cases.append(post("ids", data, f"action {option} on {value!r}"))
        for charset in CHARSETS:
            cases.append(
                post(
                    "charset",
                    urlencode(base),
                    f"urlencoded; charset={charset}",  # fmt: skip
                    body=urlencode(base),
                    content_type=f"application/x-www-form-urlencoded; charset={charset}",
                )
            )
        for raw in BAD_BYTES:
            name = form.names()[0] if form.names() else "q"
            body = urlencode(base).encode() + f"&{name}={raw}".encode("latin-1")
            cases.append(post("bytes", None, f"{name}={raw!r} in the body", body=body,
                              content_type="application/x-www-form-urlencoded"))  # fmt: skip
        cases.append(post("json", None, "JSON body", body=json.dumps(dict(base)),
                          content_type="application/json"))  # fmt: skip
        cases.append(post("json", None, "JSON list", body="[1, {\"a\": null}]",
                          content_type="application/json"))  # fmt: skip
        for kind, values in VALUES.items():
            name = form.names()[0] if form.names() else "q"
            cases.append(post("multipart", None, f"multipart, {name} {kind}",
                              body={**dict(base), name: values[0]}, content_type="multipart"))  # fmt: skip
        cases.append(post("multipart", None, "multipart with an undecodable field", body=(
            b"--B\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n\xff\xfe\r\n--B--\r\n"),
            content_type="multipart/form-data; boundary=B"))  # fmt: skip
        for headers in HTMX_HEADERS:
            cases.append(post("htmx", base, _short(str(headers), 60), headers=headers))
    return cases


def autocomplete_cases(pattern, autocompletes):
    """The admin's autocomplete view, asked for each autocomplete widget found on the page."""
    cases = []
    url = "/admin/autocomplete/"
    for app_label, model_name, field_name in autocompletes:
        base = [("app_label", app_label), ("model_name", model_name),
                ("field_name", field_name), ("term", "a")]  # fmt: skip
        names = ["term", "page", "app_label", "model_name", "field_name"]
        cases += value_cases(pattern, url, "get", base, names, lambda kind, data, what: Case(
            pattern, f"{kind}", "get", url, f"autocomplete {what}", query=data))  # fmt: skip
    return cases


def path_cases(pattern, values):
    cases = []
    for name, converter in parameters(pattern):
        if converter in ("int", "path", "str", "slug", "regex") and name not in ("app_label",):
            for value in PATH_IDS:
                path = fill(pattern, {**values, name: value})
                cases.append(Case(pattern, "path-id", "get", path, f"{name}={value}"))
    return cases


# ---------------------------------------------------------------------------------------------
# The walk
# ---------------------------------------------------------------------------------------------


def fingerprint_query():
    parts = []
    for model in apps.get_models():
        if model._meta.app_label in DOMAIN_APPS and not model._meta.proxy:
            table = connection.ops.quote_name(model._meta.db_table)
            parts.append(f"(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
                         f" FROM {table} t)")  # fmt: skip
    return "SELECT md5(" + " || ".join(parts) + ")"


def fingerprint(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def send(client, case):
    path = case.path
    extra = {}
    if case.raw_query is not None:
        extra["QUERY_STRING"] = case.raw_query
    if case.method == "get":
        content_type = case.headers.get("Content-Type")
        headers = {k: v for k, v in case.headers.items() if k != "Content-Type"}
        if content_type:
            extra["CONTENT_TYPE"] = content_type
        return client.get(path, case.query if case.raw_query is None else None,
                          headers=headers, **extra)  # fmt: skip
    if case.query:
        path = f"{path}?{urlencode(case.query)}"
    if case.content_type == "multipart":
        return client.post(path, case.body, headers=case.headers)
    if case.content_type is None:
        body = urlencode(case.body, doseq=True)
        content_type = "application/x-www-form-urlencoded"
    else:
        body, content_type = case.body, case.content_type
    # generic() sends the bytes as given; post() would encode them in the declared charset.
    return client.generic("POST", path, body, content_type=content_type, headers=case.headers)


class Walk:
    def __init__(self, role, user, scene, seed):
        self.role, self.user, self.scene, self.seed = role, user, scene, seed
        self.client = Client(headers={"Accept-Language": "ko"})
        self.failures = []
        self.requests = 0
        self.forms = 0
        self.sql = fingerprint_query()
        self.seen_forms = set()
        self.sign_in()

    def first_time(self, form):
        key = (urlsplit(form.action).path, form.method, tuple(form.names()))
        if key in self.seen_forms:
            return False
        self.seen_forms.add(key)
        return True

    def sign_in(self):
        if self.user is not None:
            self.client.force_login(self.user)

    def request(self, case):
        self.requests += 1
        before = fingerprint(self.sql)
        try:
            response = send(self.client, case)
        except Exception as error:  # noqa: BLE001 - every escape is a finding
            frames = traceback.extract_tb(error.__traceback__)
            ours = [f for f in frames if ".venv" not in f.filename and "/tests/" not in f.filename]
            frame = (ours or frames)[-1]
            self.failures.append(
                f"{case.describe()} raised {type(error).__name__}: {_short(str(error), 160)} "
                f"at {os.path.relpath(frame.filename)}:{frame.lineno}"
            )
            self.sign_in()
            return None
        if response.status_code >= 500:
            self.failures.append(f"{case.describe()} answered {response.status_code}")
        elif 400 <= response.status_code < 500 and fingerprint(self.sql) != before:
            self.failures.append(
                f"{case.describe()} answered {response.status_code} but changed the database"
            )
        if (
            case.method == "post"
            and self.user is not None
            and "_auth_user_id" not in self.client.session
        ):
            self.sign_in()  # signed out by the form: the walk goes on as the role
        return response

    def page(self, pattern, path):
        """The page as the role sees it (following redirects within the site), and its parts."""
        self.requests += 1
        try:
            response = self.client.get(path, follow=True)
        except Exception as error:  # noqa: BLE001
            self.failures.append(f"plain     GET {path} raised {type(error).__name__}: {error}")
            return path, [], {}, []
        if response.status_code >= 500:
            self.failures.append(f"plain     GET {path} answered {response.status_code}")
        final = response.request["PATH_INFO"] if response.redirect_chain else path
        content_type = response.get("Content-Type", "")
        if "html" not in content_type or response.status_code != 200:
            return final, [], {}, []
        forms, links, autocompletes = page_parts(path, response.content.decode())
        if final != path:
            # A redirect (to the sign-in page, say): its forms are walked where they live.
            forms = []
        # A form on every page (the language and sign-out forms of the header) is walked once.
        forms = [f for f in forms if self.first_time(f)]
        self.forms += len(forms)
        return final, forms, links, autocompletes


def walk_group(role, group, scene):
    seed = f"{SEED}:{role}:{group}"
    rng = random.Random(seed)
    user = scene[role]
    walk = Walk(role, user, scene, seed)
    patterns = [p for p in url_patterns() if p.group == group]
    started = time.monotonic()
    guaranteed, rest = [], []
    for pattern in patterns:
        values = real_values(pattern, user, scene)
        path = fill(pattern, values)
        if not resolves_to(path, pattern):
            walk.failures.append(f"could not fill {pattern.route} ({path} resolves elsewhere)")
            continue
        _final, forms, links, autocompletes = walk.page(pattern, path)
        cases = (
            cases_for(pattern, path, forms, links)
            + path_cases(pattern, values)
            + autocomplete_cases(pattern, autocompletes)
        )
        rng.shuffle(cases)
        guaranteed.append(cases[0])
        rest += cases[1:]
    chosen = guaranteed + rng.sample(rest, min(SAMPLE, len(rest)))
    # What deletes or signs out runs last, so that it takes nothing from the others.
    chosen.sort(key=lambda case: case.destructive)
    for case in chosen:
        walk.request(case)
    elapsed = time.monotonic() - started
    print(f"\nhostile walk {role}/{group}: {len(patterns)} URL patterns, {walk.forms} forms, "
          f"{walk.requests} requests ({len(guaranteed) + len(rest)} cases, {len(chosen)} sent) "
          f"in {elapsed:.1f}s")  # fmt: skip
    return walk, patterns


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize("role", ROLES)
def test_hostile_input_gets_no_server_error(scene, role, group):
    walk, _patterns = walk_group(role, group, scene)
    assert not walk.failures, (
        f"{len(walk.failures)} of {walk.requests} requests as {role} failed "
        f"(HOSTILE_WALK_SEED={SEED} HOSTILE_WALK_SAMPLE={SAMPLE}):\n" + "\n".join(walk.failures)
    )


def test_every_url_pattern_belongs_to_a_walked_group():
    assert {p.group for p in url_patterns()} <= set(GROUPS)


def test_discovery_finds_the_main_pages_and_their_forms(scene):
    patterns = list(url_patterns())
    names = {p.name for p in patterns}
    assert len(patterns) >= 100
    assert {"home", "booking:book", "mine:list", "accounts:login", "dashboard:nation",
            "admin:index", "admin:reservations_reservation_changelist",
            "admin:reservations_reservation_change", "admin:rooms_closure_add",
            "admin:autocomplete"} <= names  # fmt: skip

    booker = Walk("booker", scene["booker"], scene, SEED)
    by_name = {p.name: p for p in patterns}
    home = by_name["home"]
    _, forms, _, _ = booker.page(home, fill(home, real_values(home, scene["booker"], scene)))
    assert any(f.method == "get" and f.names() for f in forms)
    book = by_name["booking:book"]
    _, forms, _, _ = booker.page(book, fill(book, real_values(book, scene["booker"], scene)))
    assert any(f.method == "post" and "csrfmiddlewaretoken" in f.names() for f in forms)

    root = Walk("superuser", scene["superuser"], scene, SEED)
    changelist = by_name["admin:reservations_reservation_changelist"]
    _, forms, links, _ = root.page(changelist, fill(changelist, {}))
    assert any(form.choices.get("action") for form in forms), "no action select found"
    assert "q" in {name for form in forms for name in form.names()}
    assert any(name.startswith("status") for name in links), links
    assert "o" in links
    assert not root.failures and not booker.failures
