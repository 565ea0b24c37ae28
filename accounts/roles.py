"""The portal's roles, kept as auth groups (created by a data migration)."""

FACILITY_MANAGERS = "Facility managers"
MINISTRY_OFFICIALS = "Ministry officials"

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
MINISTRY_OFFICIAL_PERMISSIONS = {
    label: ("view",)
    for label in (
        "rooms.facility",
        "rooms.openinghours",
        "rooms.room",
        "rooms.closure",
        "reservations.reservation",
        "reservations.reservationevent",
        "regions.region",
        "regions.district",
    )
}


def in_group(user, name):
    return user.is_authenticated and user.groups.filter(name=name).exists()


def is_ministry_official(user):
    return user.is_authenticated and (user.is_superuser or in_group(user, MINISTRY_OFFICIALS))


def is_facility_manager(user):
    return user.is_authenticated and user.is_staff and in_group(user, FACILITY_MANAGERS)
