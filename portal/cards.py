"""What a search result says about its room, kept in the cache under the registry's stamp.

A result's room (its name, kind, place, address, capacity, equipment, position and address on
the portal) changes only when the registry does, while the search that lists it runs for every
visitor. So each room's face is worked out once per language and registry stamp
(`ScheduleVersion.REGISTRY`, which triggers set in any transaction that changes a room, a site,
a district or a region) and read from the cache by key: a changed room is read afresh by the
next search, as its stamp is read before the faces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.translation import get_language

from rooms.models import Room

# Part of the key: a release that changes what a face holds never reads an older one.
FACE_FORMAT = 1
FACE_SECONDS = 24 * 60 * 60


def faces(build: Callable[[Room], Any], room_ids: Iterable[int], registry: int) -> dict[int, Any]:
    """{room id: build(room)} of `room_ids`, from the cache where the registry has not changed
    since `registry` was read; the rooms missing from it are read in one statement and kept."""
    name = f"{build.__module__}.{build.__qualname__}"
    prefix = f"room-face:{FACE_FORMAT}:{name}:{get_language()}:{registry}:"
    ids = list(room_ids)
    found = cache.get_many([f"{prefix}{pk}" for pk in ids])
    known = {int(key.rsplit(":", 1)[1]): face for key, face in found.items()}
    missing = [pk for pk in ids if pk not in known]
    if missing:
        rooms = Room.objects.select_related("facility__district__region").in_bulk(missing)
        made = {pk: build(room) for pk, room in rooms.items()}
        cache.set_many({f"{prefix}{pk}": face for pk, face in made.items()}, FACE_SECONDS)
        known.update(made)
    return known


def card(room: Room) -> dict[str, Any]:
    """A room's card in the search results, without what depends on the question."""
    facility = room.facility
    return {
        "title": room.title,
        "about": render_to_string("portal/search.html#room-about", {"room": room}),
        "latitude": float(facility.latitude),
        "longitude": float(facility.longitude),
    }
