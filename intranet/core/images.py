"""Uploaded pictures (space images, profile photos): validated by decoding them, never by their
name or claimed type, and stored as a re-encoded copy. Re-encoding drops metadata such as GPS
positions and anything riding along in the file."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_IMAGE_BYTES = 5 * 1024 * 1024
IMAGE_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}


def reencode_upload(upload, *, field: str, box: tuple[int, int], square: bool = False) -> bytes:
    """WebP bytes of the uploaded picture, at most `box`; `square` crops to the centre first
    (portraits). Raises ValidationError({field: ...}) with a message a person understands."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if upload is None or not upload.size:
        raise ValidationError({field: _("Choose an image to upload.")})
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError({field: _("The image is larger than 5 MB.")})
    try:
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in IMAGE_FORMATS:
                raise ValidationError({field: _("Upload a PNG, JPEG, WebP or GIF image.")})
            image.load()
            picture = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError({field: _("This file is not an image we can read.")}) from error
    if square:
        picture = ImageOps.fit(picture, box)
    else:
        picture.thumbnail(box)
    buffer = io.BytesIO()
    picture.save(buffer, format="WEBP", quality=85)
    return buffer.getvalue()
