"""Admin for portal users: e-mail is the login, roles are groups, facilities are assigned here."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import ROLE_LABELS
from accounts.services import delete_account

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


class ManagedFacilityInline(admin.TabularInline):
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

    list_display = ["email", "name", "company", "roles", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "name", "company", "phone", "business_number"]
    search_help_text = _("E-mail, name, company, phone or business registration number.")
    ordering = ["email"]
    readonly_fields = ["calendar_token", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Personal details"),
            {"fields": ["name", "company", "business_number", "phone", "calendar_token"]},
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
