"""How waitlists answer the booking app below them, connected in WaitlistConfig.ready()."""

from waitlist import services, tasks
from waitlist.models import Entry


def offer_freed_time(sender, room_ids, start, end, **kwargs):
    """A room's time came free: queue the offer to the first in line, in the freeing transaction
    (a change rolled back queues nothing; the worker sees the task once it commits)."""
    tasks.offer_freed_time.enqueue(
        room_ids=list(room_ids), start=start.isoformat(), end=end.isoformat()
    )


def pass_on_the_users_offers(sender, instance, **kwargs):
    """An account is being deleted: the offers it holds go to the next in line at once, rather
    than holding the time until they expire (its entries go with it, by the foreign key)."""
    for entry in Entry.objects.offered().filter(user=instance):
        services.decline(instance, entry)
