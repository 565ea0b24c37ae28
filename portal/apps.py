from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Public portal")

    def ready(self):
        from accounts.signals import profile_shown
        from portal import receivers

        profile_shown.connect(
            receivers.standing_on_profile, dispatch_uid="portal.standing_on_profile"
        )
