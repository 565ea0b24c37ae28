"""The admin site of BOMS, and admin building blocks every app's admin shares.

`AdminSite` (the project's default site, see web.apps.AdminConfig) checks the parameters of
every model admin's pages before Django's admin code reads them, so that no page of any model
admin, the project's or a library's, answers a malformed request with a 500 or lets a role
look up what it may not see:

- the date drill-down (`<field>__year`, `__month`, `__day`) must be numbers of a date within
  settings.ACCEPTED_DATES (Django would overflow at 9999-12-31, or on a thirty-digit year);
- a date filter (`<field>__gte` and the like) must compare with a date within that range, a
  date and time with its offset;
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
from django.contrib.admin import widgets
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
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.templatetags.static import static
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import format_html
from django.utils.translation import gettext as _

from web.http import RefusedInput
from web.validators import date_range_message

# `next`: where a change page returns after an action (a page of the site, checked where used).
CHANGELIST_PARAMETERS = {ALL_VAR, ERROR_FLAG, IS_FACETS_VAR, IS_POPUP_VAR, ORDER_VAR, PAGE_VAR,
                         SEARCH_VAR, TO_FIELD_VAR, "_changelist_filters", "next"}  # fmt: skip
REGEX_LOOKUPS = {"regex", "iregex"}
DATE_COMPARISONS = {"exact", "gt", "gte", "lt", "lte"}
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
        _check_date_lookup(model_admin.model, name, values)


def _check_date_part(part, values):
    first, last = settings.ACCEPTED_DATES
    low, high = (first.year, last.year) if part == "year" else DATE_PARTS[part]
    for value in values:
        if not (value.isascii() and value.isdigit() and low <= int(value[:6]) <= high):
            raise RefusedInput(date_range_message())


def _check_date_lookup(model, name, values):
    """A date filter (`at__gte=…`, as DateFieldListFilter's links send) compares with a date
    within the accepted range, and a date and time carries its offset: Django would compare
    `attempt_time__gte=0001-01-01` as a naive datetime at the calendar's edge."""
    parts = name.split(LOOKUP_SEP)
    if len(parts) > 2 or (len(parts) == 2 and parts[1] not in DATE_COMPARISONS):
        return
    try:
        field = model._meta.get_field(parts[0])
    except FieldDoesNotExist:
        return
    if not isinstance(field, models.DateField):
        return
    for value in values:
        try:
            if isinstance(field, models.DateTimeField):
                moment = parse_datetime(value)
                day = moment.date() if moment and timezone.is_aware(moment) else None
            else:
                day = parse_date(value)
        except ValueError:
            day = None
        if day is None:
            raise RefusedInput(
                _("This list cannot be filtered by the date “%(value)s”.") % {"value": value[:40]}
            )
        first, last = settings.ACCEPTED_DATES
        if not first <= day <= last:
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
            # The range too: an id of forty digits would overflow the database's integer.
            pk.run_validators(pk.to_python(value))
        except (ValidationError, FieldDoesNotExist) as error:
            raise RefusedInput(
                _("“%(value)s” is not the id of a %(model)s.")
                % {"value": value[:40], "model": model_admin.model._meta.verbose_name}
            ) from error


def boolean_icon(value):
    """Django's yes/no/unknown icon, its text in the page's language (Django's is English)."""
    icon = {True: "yes", False: "no", None: "unknown"}[value]
    text = {True: _("Yes"), False: _("No"), None: _("Unknown")}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)


class AutocompleteSelect(widgets.AutocompleteSelect):
    """Django's autocomplete widget, which shows a refused value again without querying by it.

    Django's widget looks up the submitted ids to show them selected; an id that is not one
    (`abc`, a date, 100,000 digits) made that query raise, and the form with its error became
    a 500 instead of a 400."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _ids_of(self.field, value), attr)


class AutocompleteSelectMultiple(widgets.AutocompleteSelectMultiple):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _ids_of(self.field, value), attr)


def _ids_of(field, values):
    remote = field.remote_field
    name = getattr(remote, "field_name", None)
    target = remote.model._meta.get_field(name) if name else remote.model._meta.pk
    ids = []
    for value in values:
        try:
            target.to_python(value)
        except ValidationError:
            continue
        ids.append(value)
    return ids


class AutocompleteFieldsMixin:
    """For model admins and inlines with `autocomplete_fields`: the widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


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
