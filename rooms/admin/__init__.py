"""The registry's admin (facilities, rooms) and the facility scope other apps' admins share."""

from rooms.admin import facilities  # noqa: F401  (registers the model admins)
