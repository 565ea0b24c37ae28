"""How waitlists answer the booking app below them, connected in WaitlistConfig.ready()."""

from waitlist import tasks


def offer_freed_time(sender, room_ids, start, end, **kwargs):
    """A room's time came free: queue the offer to the first in line, in the freeing transaction
    (a change rolled back queues nothing; the worker sees the task once it commits)."""
    tasks.offer_freed_time.enqueue(
        room_ids=list(room_ids), start=start.isoformat(), end=end.isoformat()
    )
