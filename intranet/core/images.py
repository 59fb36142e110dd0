"""Uploaded pictures (space images, profile photos): validated by decoding them, never by their
name or claimed type, and stored as a re-encoded copy. Re-encoding drops metadata such as GPS
positions and anything riding along in the file."""

from __future__ import annotations

import io
import warnings

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_IMAGE_BYTES = 5 * 1024 * 1024
# A 5 MB file can hold a picture of hundreds of megapixels (a compressed plain area): the size
# is read from the header and refused before a pixel is decoded. 40 megapixels is a large
# camera photo, about 120 MB as RGB while it is scaled down.
MAX_IMAGE_PIXELS = 40_000_000
IMAGE_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}


def limit_pixels() -> None:
    """Pillow's own bomb check for every picture the process opens (attachments too): it warns
    above MAX_IMAGE_PIXELS and refuses above twice that. Set once at start-up (CoreConfig)."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


def _too_many_pixels(field: str) -> ValidationError:
    return ValidationError(
        {
            field: _("The image has more than %(n)d megapixels. Upload a smaller version.")
            % {"n": MAX_IMAGE_PIXELS // 1_000_000}
        }
    )


def reencode_upload(upload, *, field: str, box: tuple[int, int], square: bool = False) -> bytes:
    """WebP bytes of the uploaded picture, at most `box`; `square` crops to the centre first
    (portraits). Raises ValidationError({field: ...}) with a message a person understands."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if upload is None or not upload.size:
        raise ValidationError({field: _("Choose an image to upload.")})
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError({field: _("The image is larger than 5 MB.")})
    try:
        with warnings.catch_warnings():
            # Pillow warns between its limit and twice it; we refuse right below instead.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = Image.open(upload)
        with probe:
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise _too_many_pixels(field)
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in IMAGE_FORMATS:
                raise ValidationError({field: _("Upload a PNG, JPEG, WebP or GIF image.")})
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise _too_many_pixels(field)
            # JPEG decodes at 1/2, 1/4 or 1/8 scale when that still covers the box.
            image.draft(None, box)
            image.load()
            picture = ImageOps.exif_transpose(image).convert("RGB")
    except Image.DecompressionBombError as error:
        raise _too_many_pixels(field) from error
    except (UnidentifiedImageError, OSError) as error:
        raise ValidationError({field: _("This file is not an image we can read.")}) from error
    if square:
        picture = ImageOps.fit(picture, box)
    else:
        picture.thumbnail(box)
    buffer = io.BytesIO()
    picture.save(buffer, format="WEBP", quality=85)
    return buffer.getvalue()
