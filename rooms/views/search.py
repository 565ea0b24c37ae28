from django.shortcuts import render

from regions.models import Region
from rooms.models import Facility, Room, RoomKind


def home(request):
    regions = Region.objects.with_registry_counts()
    totals = {
        "sites": Facility.objects.count(),
        "rooms": Room.objects.count(),
        "by_kind": [(RoomKind(kind).label, count) for kind, count in Room.objects.kind_counts()],
    }
    return render(request, "rooms/home.html", {"regions": regions, "totals": totals})
