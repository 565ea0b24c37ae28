"""What bookings announce to the apps above them, which connect receivers in their ready().

time_freed: a room's time came free (a booking cancelled, rejected, lapsed, released as a
no-show or ended early, an offer to a waitlist ended, a closure lifted early). Sent inside the
change's transaction with `room_ids`, `start` and `end`: the receiver's work (the waitlist's
next offer) is queued in that transaction too, so a change rolled back announces nothing.
"""

from django.dispatch import Signal

time_freed = Signal()
