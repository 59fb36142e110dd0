"""Attachments: what a file is, decided by its content (never by its name or the type the
browser claims), and refused unless it is a kind colleagues exchange safely: PDF, pictures,
Office and OpenDocument files, plain text and CSV. No HTML, SVG or programs: those could run
in a colleague's browser or computer."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# kind -> (content type, extensions accepted for it)
KINDS = {
    "pdf": ("application/pdf", {"pdf"}),
    "png": ("image/png", {"png"}),
    "jpeg": ("image/jpeg", {"jpg", "jpeg"}),
    "gif": ("image/gif", {"gif"}),
    "webp": ("image/webp", {"webp"}),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", {"docx"}),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"xlsx"}),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
             {"pptx"}),
    "odt": ("application/vnd.oasis.opendocument.text", {"odt"}),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", {"ods"}),
    "text": ("text/plain; charset=utf-8", {"txt", "md"}),
    "csv": ("text/csv; charset=utf-8", {"csv"}),
}  # fmt: skip
IMAGES = {"png", "jpeg", "gif", "webp"}


def max_bytes() -> int:
    return settings.PLEIN_ATTACHMENT_MAX_MB * 1024 * 1024


def _office_kind(head: bytes, upload) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                for kind in ("odt", "ods"):
                    if declared == KINDS[kind][0]:
                        return kind
            if "[Content_Types].xml" in names:
                for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
                    if any(n.startswith(prefix) for n in names):
                        return kind
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def _kind_of(upload) -> str | None:
    upload.seek(0)
    head = upload.read(4096)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(head, upload)
    if b"\x00" in head:
        return None
    try:
        upload.seek(0)
        sample = upload.read(1024 * 1024).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if re.search(r"<\s*(html|script|svg|!doctype)", sample[:4096], re.IGNORECASE):
        return None
    return "text"


def safe_name(name: str) -> str:
    name = unicodedata.normalize("NFKC", name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    name = re.sub(r"[^\w.\- ]+", "", name).strip(" .")[:100]
    return name or "bestand"


def inspect(upload) -> tuple[str, str]:
    """(kind, content type) of an acceptable upload, or ValidationError({"file": ...})."""
    if upload is None or not upload.size:
        raise ValidationError({"file": _("Choose a file to upload.")})
    if upload.size > max_bytes():
        raise ValidationError(
            {
                "file": _("The file is larger than %(n)d MB.")
                % {"n": settings.PLEIN_ATTACHMENT_MAX_MB}
            }
        )
    kind = _kind_of(upload)
    extension = safe_name(upload.name).rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if kind == "text" and extension == "csv":
        kind = "csv"
    if kind is None or extension not in KINDS[kind][1]:
        raise ValidationError(
            {
                "file": _(
                    "Upload a PDF, picture, Office or OpenDocument file, text or CSV; its "
                    "name must match what it is."
                )
            }
        )
    if kind in IMAGES:
        from PIL import Image, UnidentifiedImageError

        try:
            upload.seek(0)
            with Image.open(upload) as probe:
                probe.verify()
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
            raise ValidationError({"file": _("This picture cannot be read.")}) from error
    upload.seek(0)
    return kind, KINDS[kind][0]


def read_all(upload) -> io.BytesIO:
    upload.seek(0)
    return io.BytesIO(upload.read())


def serve(stored):
    """A stored file (anything with file, name, content_type): pictures show in the page;
    anything else downloads, and the browser never runs it as a page."""
    from django.http import FileResponse

    response = FileResponse(
        stored.file.open("rb"),
        content_type=stored.content_type,
        as_attachment=not stored.content_type.startswith("image/"),
        filename=stored.name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
