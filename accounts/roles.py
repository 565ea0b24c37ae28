"""The portal's roles, kept as auth groups (created by a data migration)."""

from django.utils.translation import gettext_lazy as _

FACILITY_MANAGERS = "Facility managers"
MINISTRY_OFFICIALS = "Ministry officials"

# Group names are stored in English; people read them in their language.
ROLE_LABELS = {
    FACILITY_MANAGERS: _("Facility managers"),
    MINISTRY_OFFICIALS: _("Ministry officials"),
}

# codename prefixes per model label; a ministry official only views.
FACILITY_MANAGER_PERMISSIONS = {
    "rooms.facility": ("view", "change"),
    "rooms.openinghours": ("view", "add", "change", "delete"),
    "rooms.room": ("view", "change"),
    "rooms.closure": ("view", "add", "change", "delete"),
    "reservations.reservation": ("view", "change"),
    "reservations.reservationevent": ("view",),
    "regions.region": ("view",),
    "regions.district": ("view",),
}
MINISTRY_OFFICIAL_PERMISSIONS = dict.fromkeys(
    (
        "rooms.facility",
        "rooms.openinghours",
        "rooms.room",
        "rooms.closure",
        "reservations.reservation",
        "reservations.reservationevent",
        "regions.region",
        "regions.district",
    ),
    ("view",),
)


def group_names(user):
    """The names of the user's groups, read once per user object (as Django caches permissions)."""
    if not hasattr(user, "_group_names"):
        user._group_names = frozenset(user.groups.values_list("name", flat=True))
    return user._group_names


def in_group(user, name):
    return user.is_authenticated and name in group_names(user)


def is_ministry_official(user):
    return user.is_authenticated and (user.is_superuser or in_group(user, MINISTRY_OFFICIALS))


def is_facility_manager(user):
    return user.is_authenticated and user.is_staff and in_group(user, FACILITY_MANAGERS)


def reads_every_facility(user):
    """Whether the admin shows this user every facility's rows rather than their own.

    Superusers and ministry officials read the whole registry. A facility manager works on
    their own facilities only, even if they also hold the ministry role (the dashboard gives
    them the national figures).
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return is_ministry_official(user) and not is_facility_manager(user)
