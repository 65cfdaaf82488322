"""Read a raw RFC 5322 message into what the help desk needs, whatever state it is in.

Real mail is often broken: unknown or wrong charsets, raw 8-bit bytes in
headers, encoded words inside display names and file names, multiparts
without a boundary, truncated base64. Everything here degrades to "the best
text we can get" instead of raising: a message that cannot be read at all is
the caller's to quarantine, never a traceback.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import email
import hashlib
import quopri
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage as StdlibMessage
from email.message import Message as CompatMessage
from email.parser import BytesHeaderParser, HeaderParser
from email.utils import getaddresses, parsedate_to_datetime

from atiende.mail.html_text import html_to_text

# A message with more parts than this is not a customer writing to us; its
# remaining parts stay in the raw message.
MAX_PARTS = 500
MAX_DEPTH = 20
MAX_REFERENCES = 100
MESSAGE_ID_LENGTH = 255

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([qQbB])\?([^?\s]*)\?=")
_BETWEEN_ENCODED_WORDS = re.compile(r"(\?=)[ \t\r\n]+(=\?)")
_ANGLE_ID = re.compile(r"<([^<>\s]+)>")
_ADDRESS = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Trace headers each delivery adds; they differ between two copies of one message.
_IDENTITY_HEADERS = ("from", "to", "cc", "subject", "date", "message-id")
_MESSAGE_LEAVES = ("message/rfc822", "message/delivery-status")
# Headers read for loop and bounce protection, decoded and lower-cased.
_CONTROL_HEADERS = (
    "auto-submitted",
    "precedence",
    "list-id",
    "list-unsubscribe",
    "x-auto-response-suppress",
    "x-autoreply",
    "x-autorespond",
    "x-atiende-ticket",
    "x-loop",
    "return-path",
)


@dataclass(frozen=True)
class Address:
    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes
    content_id: str = ""
    inline: bool = False
    # A forwarded message (message/rfc822), kept whole as an .eml file.
    is_message: bool = False


@dataclass
class BounceReport:
    """A delivery-status notification about a message we (probably) sent."""

    action: str = ""
    status: str = ""
    recipients: list[str] = field(default_factory=list)
    diagnostic: str = ""
    original_message_id: str = ""
    original_ticket: str = ""
    original_subject: str = ""

    @property
    def failed(self) -> bool:
        # Without a machine-readable action, a bounce is a failure report.
        return self.action in ("", "failed")


@dataclass
class ParsedEmail:
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    sender: Address | None = None
    reply_to: list[Address] = field(default_factory=list)
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    subject: str = ""
    date: datetime | None = None
    # The whole plain text: the text/plain body, else the HTML body as text.
    text: str = ""
    # The HTML body as sent (unsafe: sanitise before showing it).
    html: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/plain"
    bounce: BounceReport | None = None
    defects: list[str] = field(default_factory=list)

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this one answers, most relevant first: In-Reply-To, then newest reference."""
        seen: dict[str, None] = {}
        for message_id in [*self.in_reply_to, *reversed(self.references)]:
            seen.setdefault(message_id, None)
        return list(seen)

    @property
    def recipients(self) -> list[Address]:
        return [*self.to, *self.cc]


@dataclass(frozen=True)
class Fingerprint:
    """What identifies a message, read from its headers only (cheap, never raises)."""

    message_id: str
    content_hash: str
    from_address: str
    subject: str


# --- Text decoding ---------------------------------------------------------------


def clean_text(text: str) -> str:
    """Text safe to store anywhere: no NUL (PostgreSQL refuses it), no control characters."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    name = charset.strip().strip("\"'").split("*", 1)[0].lower()
    # Mail clients' names for "I don't know": fall through to the guesses.
    if name in ("unknown-8bit", "x-unknown", "unknown", "8bit", "default", "x-user-defined"):
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Decode with the declared charset, else UTF-8, else Windows-1252 (never raises)."""
    candidates = [c for c in (_codec(charset), "utf-8", "cp1252") if c]
    for candidate in candidates:
        try:
            return data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1")


def _surrogate_bytes(value: str) -> bytes:
    # The parser keeps raw 8-bit header bytes as surrogate escapes.
    return value.encode("utf-8", "surrogateescape")


def _decode_word(match: re.Match[str]) -> str:
    charset, encoding, payload = match.group(1), match.group(2).lower(), match.group(3)
    try:
        if encoding == "b":
            data = base64.b64decode(payload + "=" * (-len(payload) % 4))
        else:
            data = quopri.decodestring(payload.replace("_", " ").encode("ascii", "replace"), True)
    except (binascii.Error, ValueError):
        return match.group(0)
    return decode_bytes(data, charset)


def decode_encoded_words(text: str) -> str:
    """Decode RFC 2047 encoded words wherever they are, even where the RFC forbids them."""
    if "=?" not in text:
        return text
    return _ENCODED_WORD.sub(_decode_word, _BETWEEN_ENCODED_WORDS.sub(r"\1\2", text))


def decode_header_value(raw_value: str) -> str:
    """A raw header value → readable text: 8-bit bytes guessed, encoded words decoded, unfolded."""
    text = decode_bytes(_surrogate_bytes(raw_value), "utf-8")
    text = decode_encoded_words(text)
    return " ".join(clean_text(text).split())


def _raw_values(message: CompatMessage, name: str) -> list[str]:
    lowered = name.lower()
    try:
        return [str(value) for key, value in message.raw_items() if key.lower() == lowered]
    except Exception:  # a header the parser choked on is as good as absent
        return []


def header_text(message: CompatMessage, name: str) -> str:
    values = _raw_values(message, name)
    return decode_header_value(values[0]) if values else ""


def _ids(value: str) -> list[str]:
    found = _ANGLE_ID.findall(value)
    if not found and value.strip() and " " not in value.strip():
        found = [value.strip().strip("<>")]
    return [clean_text(item)[:MESSAGE_ID_LENGTH] for item in found if item]


def normalise_message_id(value: str) -> str:
    """``<abc@example.com>`` → ``abc@example.com`` (the first id in the value)."""
    ids = _ids(value)
    return ids[0] if ids else ""


# --- Addresses -------------------------------------------------------------------


def _valid_address(address: str) -> str:
    address = address.strip().strip("<>").lower()
    return address if _ADDRESS.match(address) and len(address) <= 254 else ""


def _addresses_from_text(raw_value: str) -> list[Address]:
    # Encoded words may hold commas ("Pérez, Juan"); hide them from the
    # address splitter and decode them inside each display name afterwards.
    text = decode_bytes(_surrogate_bytes(raw_value), "utf-8")
    words: list[str] = []

    def hide(match: re.Match[str]) -> str:
        words.append(match.group(0))
        return f"ATIENDEWORD{len(words) - 1}X"

    hidden = _ENCODED_WORD.sub(hide, _BETWEEN_ENCODED_WORDS.sub(r"\1\2", text))
    result = []
    for name, address in getaddresses([hidden]):
        address = _valid_address(address)
        if not address:
            continue
        for index, word in enumerate(words):
            name = name.replace(f"ATIENDEWORD{index}X", decode_encoded_words(word))
        result.append(Address(" ".join(clean_text(name).split())[:150], address))
    return result


def addresses(message: CompatMessage, name: str) -> list[Address]:
    """Every valid address in all ``name`` headers; unparseable entries are skipped."""
    found: list[Address] = []
    for raw_value in _raw_values(message, name):
        for address in _addresses_from_text(raw_value):
            if address.email not in {a.email for a in found}:
                found.append(address)
    return found


# --- Fingerprint -----------------------------------------------------------------


def fingerprint(raw: bytes) -> Fingerprint:
    """Message-ID, content hash, sender and subject, from the headers alone."""
    # Pipes give LF line ends, IMAP gives CRLF: hash one form of the same message.
    normalised = raw.replace(b"\r\n", b"\n")
    separator = normalised.find(b"\n\n")
    head, body = (
        (normalised, b"")
        if separator == -1
        else (normalised[:separator], normalised[separator + 2 :])
    )
    try:
        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(head + b"\n\n")
    except Exception:  # pragma: no cover - the compat32 header parser accepts anything
        headers = CompatMessage()
    digest = hashlib.sha256()
    for name in _IDENTITY_HEADERS:
        for value in _raw_values(headers, name):
            digest.update(name.encode() + b":" + b" ".join(_surrogate_bytes(value).split()) + b"\n")
    digest.update(b"\n" + body.rstrip())
    sender = addresses(headers, "from")
    return Fingerprint(
        message_id=normalise_message_id(header_text(headers, "message-id")),
        content_hash=digest.hexdigest(),
        from_address=sender[0].email if sender else "",
        subject=header_text(headers, "subject")[:200],
    )


# --- Bodies and attachments ------------------------------------------------------


def _part_text(part: CompatMessage) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if not isinstance(payload, bytes):
        raw_payload = part.get_payload()
        payload = _surrogate_bytes(raw_payload) if isinstance(raw_payload, str) else b""
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    return clean_text(decode_bytes(payload, charset))


def _content_type(part: CompatMessage) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "application/octet-stream"


def _filename(part: CompatMessage) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
        for raw in _raw_values(part, "content-disposition") + _raw_values(part, "content-type"):
            match = re.search(r'(?:file)?name\*?="?([^";]+)', raw)
            if match:
                name = match.group(1)
                break
    return " ".join(decode_encoded_words(clean_text(str(name))).split())[:200]


def _is_attachment(part: CompatMessage) -> bool:
    try:
        disposition = part.get_content_disposition()
    except Exception:
        disposition = None
    return disposition == "attachment" or bool(_filename(part))


def _sub_messages(part: CompatMessage) -> list[CompatMessage]:
    """The parts (or the embedded message) inside ``part``; [] for a leaf."""
    payload = part.get_payload()
    if not isinstance(payload, list):
        return []
    return [item for item in payload if isinstance(item, CompatMessage)]


def _message_bytes(part: CompatMessage) -> bytes:
    inner = next(iter(_sub_messages(part)), None)
    if inner is None:
        payload = part.get_payload()
        return _surrogate_bytes(payload) if isinstance(payload, str) else b""
    for chosen in (policy.default, policy.compat32):
        try:
            return inner.as_bytes(policy=chosen)
        except Exception:  # noqa: S112 - try the lenient serialiser next
            continue
    return b""


def _leaves(part: CompatMessage, depth: int = 0) -> list[CompatMessage]:
    if depth > MAX_DEPTH:
        return []
    # Messages and delivery reports parse as sub-messages; they are leaves here.
    if _content_type(part) in _MESSAGE_LEAVES or not part.is_multipart():
        return [part]
    leaves: list[CompatMessage] = []
    for sub in _sub_messages(part):
        leaves.extend(_leaves(sub, depth + 1))
        if len(leaves) >= MAX_PARTS:
            break
    return leaves[:MAX_PARTS]


def _find_bodies(message: CompatMessage) -> tuple[CompatMessage | None, CompatMessage | None]:
    plain: CompatMessage | None = None
    html: CompatMessage | None = None
    if isinstance(message, StdlibMessage):
        for preference, name in ((("plain",), "plain"), (("html",), "html")):
            try:
                found = message.get_body(preferencelist=preference)
            except Exception:
                found = None
            if name == "plain":
                plain = found
            else:
                html = found
    if plain is None and html is None:
        for leaf in _leaves(message):
            kind = _content_type(leaf)
            if kind in ("text/plain", "text/html") and not _is_attachment(leaf):
                if kind == "text/plain" and plain is None:
                    plain = leaf
                elif kind == "text/html" and html is None:
                    html = leaf
    return plain, html


def _attachments(
    message: CompatMessage, bodies: set[int], skip: set[int]
) -> list[ParsedAttachment]:
    found: list[ParsedAttachment] = []
    for leaf in _leaves(message):
        if id(leaf) in bodies or id(leaf) in skip:
            continue
        kind = _content_type(leaf)
        if kind == "message/rfc822":
            data = _message_bytes(leaf)
            inner = _sub_messages(leaf)
            subject = header_text(inner[0], "subject") if inner else ""
            name = _filename(leaf) or f"{subject or 'mensaje'}.eml"
            found.append(ParsedAttachment(name, kind, data, is_message=True))
            continue
        if kind.startswith("multipart/"):
            continue
        # Alternative bodies we did not choose (text/enriched, a second
        # text/plain inside multipart/alternative) are not files the sender attached.
        if kind.startswith("text/") and not _is_attachment(leaf) and not _content_id(leaf):
            continue
        try:
            decoded = leaf.get_payload(decode=True)
        except Exception:
            decoded = None
        if not isinstance(decoded, bytes) or not decoded:
            continue
        data = decoded
        found.append(
            ParsedAttachment(
                filename=_filename(leaf),
                content_type=kind,
                data=data,
                content_id=_content_id(leaf),
                inline=_disposition(leaf) == "inline",
            )
        )
    return found


def _content_id(part: CompatMessage) -> str:
    return normalise_message_id(header_text(part, "content-id"))


def _disposition(part: CompatMessage) -> str:
    try:
        return part.get_content_disposition() or ""
    except Exception:
        return ""


# --- Bounces ---------------------------------------------------------------------


def _delivery_status_blocks(part: CompatMessage) -> list[CompatMessage]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, CompatMessage)]
    text = payload if isinstance(payload, str) else ""
    # Some servers send the status as plain text: parse its blank-line-separated blocks.
    return [HeaderParser().parsestr(block.strip() + "\n\n") for block in re.split(r"\n\s*\n", text)]


def _bounce(message: CompatMessage, sender: Address | None, subject: str) -> BounceReport | None:
    is_report = _content_type(message) == "multipart/report"
    try:
        report_type = str(message.get_param("report-type", "") or "").lower()
    except Exception:
        report_type = ""
    from_daemon = sender is not None and sender.email.split("@")[0] in (
        "mailer-daemon",
        "postmaster",
    )
    if not (is_report and report_type == "delivery-status") and not from_daemon:
        return None
    report = BounceReport()
    for leaf in _leaves(message):
        kind = _content_type(leaf)
        if kind == "message/delivery-status":
            for block in _delivery_status_blocks(leaf):
                action = header_text(block, "action").lower()
                if action:
                    report.action = report.action or action
                    report.status = report.status or header_text(block, "status")
                    report.diagnostic = report.diagnostic or header_text(block, "diagnostic-code")
                recipient = header_text(block, "final-recipient") or header_text(
                    block, "original-recipient"
                )
                address = _valid_address(recipient.split(";")[-1]) if recipient else ""
                if address and address not in report.recipients:
                    report.recipients.append(address)
        elif kind in ("message/rfc822", "text/rfc822-headers"):
            if kind == "message/rfc822":
                original = next(iter(_sub_messages(leaf)), CompatMessage())
            else:
                original = HeaderParser().parsestr(_part_text(leaf))
            report.original_message_id = report.original_message_id or normalise_message_id(
                header_text(original, "message-id")
            )
            report.original_ticket = report.original_ticket or header_text(
                original, "x-atiende-ticket"
            )
            report.original_subject = report.original_subject or header_text(original, "subject")
    if not report.original_message_id:
        # Bounces without the standard parts often quote the original headers in the text.
        for leaf in _leaves(message):
            if _content_type(leaf).startswith("text/"):
                text = _part_text(leaf)
                match = re.search(r"^Message-ID:\s*(<[^>\s]+>)", text, re.I | re.M)
                if match:
                    report.original_message_id = normalise_message_id(match.group(1))
                ticket = re.search(r"^X-Atiende-Ticket:\s*(\S+)", text, re.I | re.M)
                if ticket:
                    report.original_ticket = ticket.group(1)
                if match or ticket:
                    break
    report.original_subject = report.original_subject or subject
    return report


# --- The whole message -----------------------------------------------------------


def parse_message(raw: bytes) -> ParsedEmail:
    """Parse ``raw``; raises only if the stdlib parser itself cannot build a message."""
    message = email.message_from_bytes(raw, policy=policy.default)
    parsed = ParsedEmail()
    parsed.defects = [type(defect).__name__ for defect in getattr(message, "defects", [])][:20]
    parsed.message_id = normalise_message_id(header_text(message, "message-id"))
    parsed.in_reply_to = _ids(" ".join(_raw_values(message, "in-reply-to")))[:MAX_REFERENCES]
    parsed.references = _ids(" ".join(_raw_values(message, "references")))[-MAX_REFERENCES:]
    senders = addresses(message, "from")
    parsed.sender = senders[0] if senders else None
    parsed.reply_to = addresses(message, "reply-to")
    parsed.to = addresses(message, "to")
    parsed.cc = addresses(message, "cc")
    parsed.subject = header_text(message, "subject")[:998]
    try:
        date_text = header_text(message, "date")
        parsed.date = parsedate_to_datetime(date_text) if date_text else None
    except (TypeError, ValueError, IndexError, OverflowError):
        parsed.date = None
    parsed.headers = {
        name: header_text(message, name).lower()
        for name in _CONTROL_HEADERS
        if _raw_values(message, name)
    }
    parsed.content_type = _content_type(message)
    parsed.bounce = _bounce(message, parsed.sender, parsed.subject)

    plain, html = _find_bodies(message)
    parsed.html = _part_text(html) if html is not None else ""
    if plain is not None:
        parsed.text = _part_text(plain)
    elif parsed.html:
        parsed.text = html_to_text(parsed.html)
    bodies = {id(part) for part in (plain, html) if part is not None}
    if plain is not None:
        # Some clients split one text around an inline picture (text, image,
        # text): the later pieces belong to the body, not to the attachments.
        for leaf in _leaves(message):
            if (
                id(leaf) not in bodies
                and _content_type(leaf) == "text/plain"
                and not _is_attachment(leaf)
            ):
                parsed.text += "\n\n" + _part_text(leaf)
                bodies.add(id(leaf))
    skip: set[int] = set()
    if parsed.bounce is not None:
        # A bounce's status and returned message are recorded, not attached.
        skip = {
            id(leaf)
            for leaf in _leaves(message)
            if _content_type(leaf)
            in ("message/delivery-status", "message/rfc822", "text/rfc822-headers")
        }
    parsed.attachments = _attachments(message, bodies, skip)
    return parsed
