"""A site's or a room's photo, read through the storage API (the filesystem, or an
S3-compatible store), so that the page never needs to know where photos are kept."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from rooms.models import Photo

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# Photos are replaced under a new name, never changed in place: a day's caching is safe.
MAX_AGE = 24 * 60 * 60


@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    found = Photo.objects.filter(pk=pk).first() if pk < 2**31 else None
    if found is None or not found.image:
        raise Http404
    try:
        file = found.image.open("rb")
    except OSError as error:
        raise Http404 from error
    response = FileResponse(file, content_type=CONTENT_TYPES[found.image_format])
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response
