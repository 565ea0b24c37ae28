from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "web"
    verbose_name = "Web safeguards"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
