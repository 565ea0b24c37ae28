from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class WorkerConfig(AppConfig):
    name = "worker"
    verbose_name = _("Background work")

    def ready(self):
        # Each app's tasks.py defines its tasks and registers its steps of the minute sweep.
        autodiscover_modules("tasks")
