from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class WebConfig(AppConfig):
    default = True
    name = "web"
    verbose_name = "Web safeguards"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)


class AdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with BOMS's site, which checks every admin page's parameters."""

    default = False
    default_site = "web.admin.AdminSite"

    def ready(self):
        super().ready()
        from django.contrib.admin.templatetags import admin_list

        from web.admin import boolean_icon

        # Django's yes/no icons say "True" and "False" in English whatever the language, to
        # screen readers on Korean screens. Its lists, read-only fields and filters all
        # fetch this function from admin_list when they draw a boolean.
        admin_list._boolean_icon = boolean_icon
