"""Admin where facility managers decide on bookings, check bookers in, export bookings and
close rooms, and where superusers lift bookers' suspensions.

Bookings change only through reservations.services (approve, reject, cancel, check in, end
early, close), so the rules, the audit trail and the e-mails to bookers are the same here as
everywhere else: the admin shows bookings read-only and acts on them through actions. Every
page is scoped to the manager's facilities by rooms.admin.scope.FacilityScopedAdminMixin.
"""

from reservations.admin import bookings, closures, privacy, series, suspensions  # noqa: F401  (registers the model admins)
