"""Reading real-world (often broken) mail without losing text or raising."""

from __future__ import annotations

from atiende.mail.html_text import sanitise_html
from atiende.mail.parsing import fingerprint, parse_message
from atiende.mail.quoting import split_reply
from atiende.mail.tests.factories import raw_email

BROKEN = (
    b"From: Jos\xe9 P\xe9rez <JOSE@Cliente.example>\r\n"
    b"To: soporte@cehis.example, =?utf-8?q?P=C3=A9rez,_Juan?= <juan@cliente.example>\r\n"
    b"Subject: =?iso-8859-1?q?Caf=E9?= y m\xe1s\r\n"
    b"Message-ID: <abc@cliente.example>\r\n"
    b"Content-Type: multipart/mixed; boundary=b\r\n\r\n"
    b"--b\r\nContent-Type: text/plain; charset=no-such-charset\r\n\r\nhola ma\xf1ana\r\n"
    b"--b\r\nContent-Type: application/pdf\r\n"
    b'Content-Disposition: attachment; filename="=?utf-8?b?ZmFjdHVyYSDDsS5wZGY=?="\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
)


def test_broken_charsets_and_8bit_headers_still_give_readable_text():
    parsed = parse_message(BROKEN)
    assert parsed.sender is not None
    assert (parsed.sender.name, parsed.sender.email) == ("José Pérez", "jose@cliente.example")
    assert parsed.subject == "Café y más"
    assert parsed.text.strip() == "hola mañana"


def test_encoded_words_in_display_names_and_file_names_are_decoded():
    parsed = parse_message(BROKEN)
    assert [(a.name, a.email) for a in parsed.to] == [
        ("", "soporte@cehis.example"),
        ("Pérez, Juan", "juan@cliente.example"),
    ]
    [attachment] = parsed.attachments
    assert attachment.filename == "factura ñ.pdf"
    assert attachment.data.startswith(b"%PDF-")


def test_html_only_mail_gets_a_text_version():
    raw = (
        b"From: ana@cliente.example\r\nSubject: hola\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>El sitio <b>no carga</b>.</p><blockquote>respuesta anterior</blockquote>"
    )
    parsed = parse_message(raw)
    assert "El sitio no carga." in parsed.text
    assert "> respuesta anterior" in parsed.text


def test_sanitised_html_drops_scripts_and_remote_images_but_keeps_inline_ones():
    html = (
        '<p onclick="steal()">Hola</p><script>alert(1)</script>'
        '<img src="https://tracker.example/pixel.gif"><img src="cid:logo@x">'
        '<a href="javascript:alert(1)">clic</a>'
    )
    safe, blocked = sanitise_html(
        html, inline_images={"logo@x": "/clientes/adjuntos/7/"}, allow_remote_images=False
    )
    assert blocked == 1
    assert "script" not in safe and "onclick" not in safe and "javascript" not in safe
    assert "tracker.example" not in safe
    assert 'src="/clientes/adjuntos/7/"' in safe


def test_quoted_reply_and_signature_are_separated_but_kept():
    text = (
        "Ya probé y sigue igual.\n\n-- \nAna Gómez\nGerente\n\n"
        "El lun, 24 nov 2026 a las 10:00, Soporte <soporte@cehis.example> escribió:\n"
        "> ¿Puede borrar la caché?\n"
    )
    new, quoted = split_reply(text)
    assert new == "Ya probé y sigue igual."
    assert "Ana Gómez" in quoted and "> ¿Puede borrar la caché?" in quoted


def test_outlook_style_reply_header_starts_the_quote():
    text = (
        "Adjunto la captura.\n\n"
        "De: Soporte <soporte@cehis.example>\nEnviado: lunes, 24 de noviembre de 2026 10:00\n"
        "Para: Ana\nAsunto: RE: [#4829-1537] El sitio no carga\n\nTexto anterior"
    )
    assert split_reply(text) == (
        "Adjunto la captura.",
        text[len("Adjunto la captura.\n\n") :].strip(),
    )


def test_an_all_quoted_message_keeps_its_text_visible():
    text = "> solo una cita\n> sin texto nuevo"
    assert split_reply(text) == (text, "")


def test_forwarded_message_is_kept_whole_as_an_attachment():
    inner = raw_email(subject="Factura vencida", body="Texto del correo reenviado")
    raw = (
        b"From: ana@cliente.example\r\nSubject: Fwd: Factura vencida\r\n"
        b"Content-Type: multipart/mixed; boundary=z\r\n\r\n"
        b"--z\r\nContent-Type: text/plain\r\n\r\nMiren este correo.\r\n"
        b"--z\r\nContent-Type: message/rfc822\r\n\r\n" + inner + b"\r\n--z--\r\n"
    )
    parsed = parse_message(raw)
    [forwarded] = parsed.attachments
    assert forwarded.is_message and forwarded.filename == "Factura vencida.eml"
    assert b"Texto del correo reenviado" in forwarded.data
    assert parsed.text.strip() == "Miren este correo."


def test_delivery_status_notification_is_recognised_as_a_bounce():
    raw = (
        b"From: MAILER-DAEMON@mx.cehis.example\r\nTo: soporte@cehis.example\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\n"
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n"
        b"--r\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        b"--r\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.cehis.example\r\n\r\n"
        b"Final-Recipient: rfc822; ana@cliente.example\r\nAction: failed\r\n"
        b"Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
        b"--r\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        b"Message-ID: <atiende.abc.48291537@cehis.example>\r\nX-Atiende-Ticket: 4829-1537\r\n"
        b"--r--\r\n"
    )
    bounce = parse_message(raw).bounce
    assert bounce is not None and bounce.failed
    assert bounce.recipients == ["ana@cliente.example"]
    assert bounce.status == "5.1.1" and "User unknown" in bounce.diagnostic
    assert bounce.original_message_id == "atiende.abc.48291537@cehis.example"


def test_the_same_message_by_pipe_and_by_imap_has_the_same_fingerprint():
    crlf = raw_email()
    lf = crlf.replace(b"\r\n", b"\n")
    traced = (
        b"Received: from mx by mx2; Tue, 24 Nov 2026\r\nDelivered-To: ventas@cehis.example\r\n"
        + crlf
    )
    assert fingerprint(crlf) == fingerprint(lf)
    assert fingerprint(crlf).content_hash == fingerprint(traced).content_hash


def test_a_different_body_under_the_same_message_id_has_another_fingerprint():
    one = raw_email(message_id="<same@cliente.example>", body="primero")
    two = raw_email(message_id="<same@cliente.example>", body="segundo")
    assert fingerprint(one).message_id == fingerprint(two).message_id == "same@cliente.example"
    assert fingerprint(one).content_hash != fingerprint(two).content_hash
