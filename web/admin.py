"""The admin site of BOMS, and admin building blocks every app's admin shares.

`AdminSite` (the project's default site, see web.apps.AdminConfig) checks the parameters of
every model admin's pages before Django's admin code reads them, so that no page of any model
admin, the project's or a library's, answers a malformed request with a 500 or lets a role
look up what it may not see:

- the date drill-down (`<field>__year`, `__month`, `__day`) must be numbers of a date within
  settings.ACCEPTED_DATES (Django would overflow at 9999-12-31, or on a thirty-digit year);
- the ids of an action (`_selected_action`) must be ids of the model, `index` a number;
- a filter in the query string may only look up a field the user sees on the admin's pages
  (its change page, its list filters, its date drill-down): `contact_phone__startswith=010-`
  would otherwise let a role that never sees phone numbers read them one digit at a time;
  and never by regular expression, which the database would run as it was given.

Each refusal is a 400 with the site's page, naming what was wrong; a form that comes back with
its errors (a closure dated 0001-01-01, say) is a 400 too.
"""

import functools

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.views.main import (
    ALL_VAR,
    ERROR_FLAG,
    IS_FACETS_VAR,
    IS_POPUP_VAR,
    ORDER_VAR,
    PAGE_VAR,
    SEARCH_VAR,
    TO_FIELD_VAR,
)
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext as _

from web.http import RefusedInput
from web.validators import date_range_message

CHANGELIST_PARAMETERS = {ALL_VAR, ERROR_FLAG, IS_FACETS_VAR, IS_POPUP_VAR, ORDER_VAR, PAGE_VAR,
                         SEARCH_VAR, TO_FIELD_VAR, "_changelist_filters"}  # fmt: skip
REGEX_LOOKUPS = {"regex", "iregex"}
DATE_PARTS = {"year": None, "month": (1, 12), "day": (1, 31)}


class AdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        model_admin = getattr(view, "__self__", None)
        if isinstance(model_admin, admin.ModelAdmin):
            view = _checking_parameters(view, model_admin)
        return super().admin_view(view, cacheable)


def _checking_parameters(view, model_admin):
    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        check_query(model_admin, request)
        if request.method == "POST":
            check_action(model_admin, request)
        response = view(request, *args, **kwargs)
        if request.method == "POST" and _shows_form_errors(response):
            # The form comes back with its errors: the input was refused.
            response.status_code = 400
        return response

    return checked


def _shows_form_errors(response):
    context = getattr(response, "context_data", None) or {}
    return bool(context.get("errors"))


def check_query(model_admin, request):
    hierarchy = model_admin.date_hierarchy
    filters = model_admin.get_list_filter(request)
    parameter_names = {getattr(f, "parameter_name", None) for f in filters if isinstance(f, type)}
    seen = None
    for name, values in request.GET.lists():
        if name in CHANGELIST_PARAMETERS or name in parameter_names:
            continue
        if hierarchy and name.startswith(f"{hierarchy}{LOOKUP_SEP}"):
            part = name.removeprefix(f"{hierarchy}{LOOKUP_SEP}")
            if part in DATE_PARTS:
                _check_date_part(part, values)
                continue
        if seen is None:
            seen = _visible_fields(model_admin, request, hierarchy, filters)
        _check_lookup(name, seen)


def _check_date_part(part, values):
    first, last = settings.ACCEPTED_DATES
    low, high = (first.year, last.year) if part == "year" else DATE_PARTS[part]
    for value in values:
        if not (value.isascii() and value.isdigit() and low <= int(value[:6]) <= high):
            raise RefusedInput(date_range_message())


def _visible_fields(model_admin, request, hierarchy, filters):
    """The first parts of the lookups this user may filter by on this admin."""
    seen = {"pk", model_admin.model._meta.pk.name}
    seen.update(flatten_fieldsets(model_admin.get_fieldsets(request)))
    for item in filters:
        if isinstance(item, str):
            seen.add(item.split(LOOKUP_SEP)[0])
        elif isinstance(item, tuple) and isinstance(item[0], str):
            seen.add(item[0].split(LOOKUP_SEP)[0])
    if hierarchy:
        seen.add(hierarchy.split(LOOKUP_SEP)[0])
    return seen


def _check_lookup(name, seen):
    parts = name.split(LOOKUP_SEP)
    if parts[0] not in seen or parts[-1] in REGEX_LOOKUPS:
        raise RefusedInput(_("This list cannot be filtered by “%(name)s”.") % {"name": name})


def check_action(model_admin, request):
    if "index" in request.POST:
        index = request.POST["index"]
        if not (index.isascii() and index.isdigit()):
            raise RefusedInput(_("This action request is malformed."))
    pk = model_admin.model._meta.pk
    for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
        try:
            pk.to_python(value)
        except (ValidationError, FieldDoesNotExist) as error:
            raise RefusedInput(
                _("“%(value)s” is not the id of a %(model)s.")
                % {"value": value[:40], "model": model_admin.model._meta.verbose_name}
            ) from error


class ReadOnlyInline(admin.TabularInline):
    """Rows shown beside their parent for reading; they are changed on their own pages or not at all."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
