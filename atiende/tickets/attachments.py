"""Checking and storing files attached to ticket messages."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from atiende.file_types import SNIFF_BYTES, FileType, RefusedFile, detect, safe_filename
from atiende.tickets.models import Attachment, Message


@dataclass(frozen=True)
class CheckedUpload:
    upload: UploadedFile
    kind: FileType
    filename: str


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Accept or refuse one uploaded file; RefusedFile says why in the user's language."""
    limit = settings.ATIENDE_MAX_ATTACHMENT_MB * 1024 * 1024
    if upload.size is not None and upload.size > limit:
        raise RefusedFile(
            _("“%(name)s” is larger than %(limit)d MB.")
            % {"name": upload.name, "limit": settings.ATIENDE_MAX_ATTACHMENT_MB}
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    try:
        kind = detect(head, upload.name or "")
    except RefusedFile as error:
        raise RefusedFile(f"“{upload.name}”: {error}") from None
    return CheckedUpload(upload, kind, safe_filename(upload.name or "", kind))


def store_attachments(message: Message, uploads: Iterable[CheckedUpload]) -> list[Attachment]:
    stored = []
    for checked in uploads:
        digest = hashlib.sha256()
        for chunk in checked.upload.chunks():
            digest.update(chunk)
        checked.upload.seek(0)
        attachment = Attachment(
            message=message,
            filename=checked.filename,
            content_type=checked.kind.content_type,
            size=checked.upload.size or 0,
            sha256=digest.hexdigest(),
        )
        # The stored name is random-ish (storage adds a suffix on clashes) and
        # never the customer's own path.
        attachment.file.save(
            f"{digest.hexdigest()[:16]}{checked.kind.extension}", checked.upload, save=False
        )
        attachment.save()
        stored.append(attachment)
    return stored
