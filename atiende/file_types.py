"""Decide what an uploaded file really is, from its first bytes, and whether we accept it.

The name a customer's computer gave the file says nothing reliable: a
``factura.pdf`` may be a Windows program. Types are recognised by content and
only an allow-list is accepted; anything executable or able to carry script
(HTML, SVG) is refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext as _

SNIFF_BYTES = 4096


class RefusedFile(ValueError):
    """The file is not accepted; ``str(error)`` is a message for the uploader."""


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str


_SIGNATURES: list[tuple[bytes, int, FileType]] = [
    (b"\x89PNG\r\n\x1a\n", 0, FileType("image/png", ".png")),
    (b"\xff\xd8\xff", 0, FileType("image/jpeg", ".jpg")),
    (b"GIF87a", 0, FileType("image/gif", ".gif")),
    (b"GIF89a", 0, FileType("image/gif", ".gif")),
    (b"%PDF-", 0, FileType("application/pdf", ".pdf")),
    (b"\x1f\x8b", 0, FileType("application/gzip", ".gz")),
    (b"7z\xbc\xaf\x27\x1c", 0, FileType("application/x-7z-compressed", ".7z")),
    (b"Rar!\x1a\x07", 0, FileType("application/vnd.rar", ".rar")),
]
_EXECUTABLE = [
    b"MZ",
    b"\x7fELF",
    b"\xcf\xfa\xed\xfe",
    b"\xce\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
]
_ZIP_KINDS = {
    ".docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"
    ),
    ".xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    ".pptx": FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"
    ),
    ".odt": FileType("application/vnd.oasis.opendocument.text", ".odt"),
    ".ods": FileType("application/vnd.oasis.opendocument.spreadsheet", ".ods"),
}
_TEXT_EXTENSIONS = {".txt", ".log", ".csv", ".conf", ".ini", ".json", ".sql", ".eml", ".md"}
_MARKUP = re.compile(rb"<\s*(!doctype|html|script|svg|iframe|object|body)\b", re.IGNORECASE)


def detect(head: bytes, filename: str) -> FileType:
    """The accepted type of a file starting with ``head``; raises RefusedFile otherwise."""
    if any(head.startswith(magic) for magic in _EXECUTABLE):
        raise RefusedFile(_("Programs and scripts cannot be attached."))
    for magic, offset, kind in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileType("image/webp", ".webp")
    extension = PurePath(filename).suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        return _ZIP_KINDS.get(extension, FileType("application/zip", ".zip"))
    if _looks_like_text(head):
        if _MARKUP.search(head):
            raise RefusedFile(_("Web pages and SVG images cannot be attached; send a screenshot."))
        return FileType("text/plain", extension if extension in _TEXT_EXTENSIONS else ".txt")
    raise RefusedFile(
        _("This type of file is not accepted. Attach images, PDF, text, office documents or ZIP.")
    )


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sniffed block is still text.
        if error.start < len(head) - 4:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


def safe_filename(name: str, kind: FileType, *, max_length: int = 120) -> str:
    """A name safe to store and to offer for download, ending in the real type's extension."""
    stem = PurePath(name.replace("\\", "/")).name
    stem = unicodedata.normalize("NFKC", stem)
    stem = PurePath(stem).stem if PurePath(stem).suffix else stem
    stem = re.sub(r"[^\w\-. ]+", "_", stem, flags=re.UNICODE).strip(" ._") or "archivo"
    return stem[: max_length - len(kind.extension)] + kind.extension
