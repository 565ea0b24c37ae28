from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import mfa

        user_logged_in.connect(mfa.second_factor_pending, dispatch_uid="accounts.second_factor")
