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
