"""Admin building blocks every app's admin shares."""

from django.contrib import admin


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
