"""Superusers issue and revoke partners' API keys; the key is shown once, when it is issued."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api import keys
from api.models import ApiKey
from web.forms import NoControlCharactersMixin


class ApiKeyForm(NoControlCharactersMixin, forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["name", "owner", "rate"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ["name", "prefix", "in_use", "rate", "owner_email", "created_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    raw_id_fields = ["owner"]
    readonly_fields = ["prefix", "created_at", "created_by", "revoked_at", "revoked_by"]
    actions = ["revoke"]

    @admin.display(description=_("in use"), boolean=True)
    def in_use(self, key):
        return key.is_active

    @admin.display(description=_("owner"), ordering="owner__email")
    def owner_email(self, key):
        return key.owner.email

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner")

    def _superuser(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request)

    def has_add_permission(self, request):
        return self._superuser(request)

    def has_change_permission(self, request, obj=None):
        # Name and rate may change while the key is active; a revoked key stays as it was.
        return self._superuser(request) and (obj is None or obj.is_active)

    def has_delete_permission(self, request, obj=None):
        # Revoked, never deleted: the record says who held which key when.
        return False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "owner", "rate"]
        return ["name", "owner", "rate", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["owner", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        issued, raw = keys.issue(name=obj.name, owner=obj.owner, rate=obj.rate, by=request.user)
        # The admin logs and redirects with the saved object: hand it the issued one.
        obj.pk, obj.prefix, obj.hashed = issued.pk, issued.prefix, issued.hashed
        obj._state.adding = False
        messages.warning(
            request,
            _(
                "The key is %(key)s — copy it now: it is stored only as a hash and cannot be shown again."
            )
            % {"key": raw},
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        count = keys.revoke(queryset, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d key was revoked.", "%(count)d keys were revoked.", count)
            % {"count": count},
        )
