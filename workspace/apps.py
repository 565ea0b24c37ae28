from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The facility manager's workspace in the admin: the landing page with the month's figures,
    the day and week board of the rooms, and decisions taken on the board."""

    name = "workspace"
    verbose_name = _("Workspace")
