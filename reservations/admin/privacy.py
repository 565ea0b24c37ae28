"""The log of who read bookers' personal details: for superusers, read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from reservations.models import PersonalDataAccess


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_email", "channel", "count", "criteria"]
    list_filter = ["channel"]
    search_fields = ["actor_email"]
    search_help_text = _("E-mail of the staff member.")
    date_hierarchy = "at"
    fields = ["at", "actor", "actor_email", "channel", "count", "criteria", "reservation_ids"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
