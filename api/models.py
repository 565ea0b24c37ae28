"""Keys that partners send with their API requests for a rate of their own."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Requests per minute: without a key, per client address (settings.API_ANONYMOUS_RATE); a new
# key's default, which a superuser may raise for a partner.
DEFAULT_KEY_RATE = 600
MAX_KEY_RATE = 100_000


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A partner's key. Only the SHA-256 of the key is stored: the key itself is shown once,
    when a superuser issues it (`api.keys.issue`), and cannot be read back."""

    name = models.CharField(_("name"), max_length=100, help_text=_("The partner or the app."))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("owner"),
        help_text=_("The account responsible for the key."),
    )
    prefix = models.CharField(
        _("prefix"), max_length=16, editable=False, help_text=_("The key's first characters.")
    )
    hashed = models.CharField(_("hash"), max_length=64, unique=True, editable=False)
    rate = models.PositiveIntegerField(
        _("requests per minute"),
        default=DEFAULT_KEY_RATE,
        help_text=_("How many requests the key may make in a minute."),
    )
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gte=1, rate__lte=MAX_KEY_RATE), name="api_key_rate_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None

    def clean(self):
        if self.rate is not None and not 1 <= self.rate <= MAX_KEY_RATE:
            raise ValidationError(
                {
                    "rate": _("Choose between 1 and %(max)d requests a minute.")
                    % {"max": MAX_KEY_RATE}
                }
            )
