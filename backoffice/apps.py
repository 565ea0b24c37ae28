from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """Staff pages that combine several apps: the admin's first page with a manager's queue."""

    name = "backoffice"
    verbose_name = _("Back office")
