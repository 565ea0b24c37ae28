"""Checking a photo upload before it is stored: only JPEG, PNG or WebP that decode completely,
within a size in bytes and in pixels; anything else is refused with the reason.

The accepted image is encoded again (turned upright by its EXIF orientation): what is stored
holds only pixels — no metadata (a phone's GPS position), no bytes appended after the image.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 6000
MIN_SIDE = 200
# Decoding allocates width × height × 4 bytes: a 100-byte "bomb" may claim a gigapixel.
MAX_PIXELS = 24_000_000


def checked_photo(upload):
    """The upload as a clean image file, with its format and size in pixels; or ValidationError."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The photo is larger than %(size)d MB.") % {"size": MAX_BYTES // (1024 * 1024)},
            code="photo_too_large",
        )
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("This file is not a photo: upload a JPEG, PNG or WebP image."), code="not_an_image"
        ) from error
    if image_format not in FORMATS:
        raise ValidationError(
            _("Upload a JPEG, PNG or WebP image, not %(format)s.") % {"format": image_format},
            code="photo_format",
        )
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise ValidationError(
            _("The photo is too large: at most %(side)d pixels a side.") % {"side": MAX_SIDE},
            code="photo_too_many_pixels",
        )
    if min(width, height) < MIN_SIDE:
        raise ValidationError(
            _("The photo is too small: at least %(side)d pixels a side.") % {"side": MIN_SIDE},
            code="photo_too_small",
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            if image_format == "JPEG" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            out = io.BytesIO()
            upright.save(
                out, format=image_format, **({"quality": 88} if image_format != "PNG" else {})
            )
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("The photo is damaged and cannot be read; save it again and upload it."),
            code="photo_damaged",
        ) from error
    content = ContentFile(out.getvalue(), name=f"photo.{FORMATS[image_format]}")
    return content, image_format, upright.size
