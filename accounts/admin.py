"""Admin for portal users: e-mail is the login, roles are groups, facilities are assigned here."""

import logging

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import invitations, mfa
from accounts.models import User
from accounts.roles import ROLE_LABELS
from accounts.services import delete_account
from web.admin import AutocompleteFieldsMixin
from web.forms import NoControlCharactersMixin

logger = logging.getLogger(__name__)

# Devices are reset from the user's page (below), never edited: a key typed in here would be
# a second factor nobody enrolled.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)

admin.site.site_header = _("BOMS administration")
admin.site.site_title = _("BOMS admin")
admin.site.index_title = _("Video-conference rooms: administration")


class EmailUniqueFormMixin:
    """E-mail is the login: compared without regard to case, stored in lower case."""

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        clashes = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            clashes = clashes.exclude(pk=self.instance.pk)
        if clashes.exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."))
        return email


class UserCreationForm(EmailUniqueFormMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class UserChangeForm(EmailUniqueFormMixin, DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class InviteManagerForm(NoControlCharactersMixin, forms.Form):
    email = forms.EmailField(label=_("e-mail address"))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None and existing.has_usable_password():
            raise forms.ValidationError(
                _(
                    "This address has an account with a password already; make it a manager "
                    "on its page (the group “Facility managers” and the facilities)."
                )
            )
        self.existing = existing
        return email


class ManagedFacilityInline(AutocompleteFieldsMixin, admin.TabularInline):
    """The facilities this user manages (Facility.managers seen from the user)."""

    model = User.managed_facilities.through
    autocomplete_fields = ["facility"]
    extra = 0
    verbose_name = _("managed facility")
    verbose_name_plural = _("managed facilities")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("facility")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    inlines = [ManagedFacilityInline]
    change_form_template = "admin/accounts/user/change_form.html"

    list_display = [
        "email",
        "name",
        "account_type",
        "company",
        "roles",
        "is_staff",
        "is_active",
        "last_login",
    ]
    list_filter = ["account_type", "is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "name", "company", "phone", "business_number"]
    search_help_text = _("E-mail, name, company, phone or business registration number.")
    ordering = ["email"]
    readonly_fields = [
        "email_verified_at",
        "calendar_token",
        "last_login",
        "date_joined",
        "second_factor",
        "consents_given",
    ]
    fieldsets = [
        (None, {"fields": ["email", "email_verified_at", "password", "second_factor"]}),
        (
            _("Personal details"),
            {
                "fields": [
                    "name",
                    "account_type",
                    "company",
                    "business_number",
                    "phone",
                    "calendar_token",
                ]
            },
        ),
        (
            _("Roles and permissions"),
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ],
                "description": _(
                    "A facility manager is a staff user in the group “Facility managers” "
                    "with the facilities below; a ministry official is a staff user in the "
                    "group “Ministry officials”."
                ),
            },
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
        (_("Consents"), {"fields": ["consents_given"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "name", "usable_password", "password1", "password2"],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_urls(self):
        return [
            path(
                "invite-manager/",
                self.admin_site.admin_view(self.invite_manager),
                name="accounts_user_invite_manager",
            ),
            path(
                "<int:user_id>/reset-second-factor/",
                self.admin_site.admin_view(require_POST(self.reset_second_factor)),
                name="accounts_user_reset_second_factor",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("consents"))
    def consents_given(self, user):
        """What the user agreed to; only they change it, from their profile."""
        records = user.consents.order_by("item", "-given_at")
        if not records:
            return gettext("none recorded")
        return format_html_join(
            mark_safe("<br>"),
            "{} — {} ({}){}",
            (
                (
                    record.get_item_display(),
                    localtime(record.given_at).strftime("%Y-%m-%d %H:%M"),
                    gettext("version %(version)s") % {"version": record.version},
                    gettext(" (withdrawn %(when)s)")
                    % {"when": localtime(record.withdrawn_at).strftime("%Y-%m-%d %H:%M")}
                    if record.withdrawn_at
                    else "",
                )
                for record in records
            ),
        )

    @admin.display(description=_("two-step sign-in"))
    def second_factor(self, user):
        device = mfa.authenticator_of(user)
        if device is None:
            return gettext("not set up")
        return gettext("authenticator app, %(count)s recovery codes left") % {
            "count": mfa.recovery_codes_left(user)
        }

    def reset_second_factor(self, request, user_id):
        """A lost phone: remove the authenticator and recovery codes; superusers only."""
        if not request.user.is_superuser:
            raise PermissionDenied
        user = get_object_or_404(User, pk=user_id)
        removed = mfa.reset(user)
        message = "Reset two-step sign-in (removed the authenticator and recovery codes)."
        self.log_change(request, user, message)
        logger.info(
            "second factor reset by %s for %s (%s devices)",
            request.user.pk,
            user.pk,
            removed,
            extra={"user_id": request.user.pk},
        )
        self.message_user(
            request,
            gettext("Two-step sign-in of %(user)s was reset; they set it up again at sign-in.")
            % {"user": user.email},
            messages.SUCCESS,
        )
        return redirect(reverse("admin:accounts_user_change", args=[user.pk]))

    def invite_manager(self, request):
        """A superuser invites a facility manager: an account without a password, and an
        e-mail whose link lets its owner choose one (again, for an invitation not yet used)."""
        if not request.user.is_superuser:
            raise PermissionDenied
        form = InviteManagerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                if form.existing is None:
                    (user,) = invitations.create_managers([form.cleaned_data["email"]])
                    invitations.invite([user])
                    self.log_addition(request, user, "Invited as a facility manager.")
                else:
                    user = form.existing
                    invitations.make_managers([user])
                    invitations.invite([user], again=True)
                    self.log_change(request, user, "Invited as a facility manager again.")
            self.message_user(
                request,
                gettext(
                    "%(email)s is invited: the e-mail's link lets them choose a password. "
                    "Add their facilities below."
                )
                % {"email": user.email},
                messages.SUCCESS,
            )
            return redirect(reverse("admin:accounts_user_change", args=[user.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Invite a facility manager"),
            "form": form,
        }
        response = TemplateResponse(request, "admin/accounts/user/invite_manager.html", context)
        if request.method == "POST":
            response.status_code = 400
        return response

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["can_reset_second_factor"] = bool(
            obj and request.user.is_superuser and mfa.authenticator_of(obj)
        )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def get_inline_instances(self, request, obj=None):
        # Like the password, facilities are set once the account exists (the add page is short).
        return super().get_inline_instances(request, obj) if obj else []

    @admin.display(description=_("roles"))
    def roles(self, user):
        names = [_("superuser")] if user.is_superuser else []
        names += [ROLE_LABELS.get(group.name, group.name) for group in user.groups.all()]
        return ", ".join(str(name) for name in names)

    def delete_model(self, request, obj):
        """Deleting from the admin is deleting an account: the bookings stay, blanked."""
        delete_account(obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            delete_account(user)


# axes's admin of sign-in attempts, whose cleanup action read the time that axes stamps on a
# request only while signing in: on the admin's request it raised AttributeError (a 500).
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    def cleanup_expired_attempts(self, request, queryset):
        AxesProxyHandler.update_request(request)
        return super().cleanup_expired_attempts(request, queryset)

    cleanup_expired_attempts.short_description = (  # type: ignore[attr-defined]
        AxesAccessAttemptAdmin.cleanup_expired_attempts.short_description
    )
