"""Benchmark for knowledge-base search (atiende.kb.search.search_articles).

Run from the project root:

    python benchmarks/bench_kb_search.py                      # SQLite and PostgreSQL
    python benchmarks/bench_kb_search.py --database sqlite
    python benchmarks/bench_kb_search.py --database postgresql \\
        --postgres-url postgres://postgres@127.0.0.1:5432/postgres

It builds its own database, never an existing one: a SQLite file in a
temporary directory, or the PostgreSQL database ``test_atiende_bench``
(dropped and recreated on the server of ``--postgres-url``, dropped again at
the end). It generates ``--articles`` synthetic hosting articles (Spanish,
some English translations, a mix of visibilities and drafts) from templates
and word lists, bulk-creates them and indexes them with the same
``index_articles`` the application uses, then times ``--queries`` realistic
queries (keywords, sentences, typos, half-typed words, English) searched by
an anonymous visitor, and prints the median and 95th percentile per query.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DATABASE = "test_atiende_bench"
NOW = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)

# --- Synthetic content -------------------------------------------------------------


def _split(text: str) -> list[str]:
    return [item.strip() for item in text.split("|")]


SERVICES = _split("hosting|VPS|servidor dedicado|WordPress|tienda en línea|correo corporativo")
PANELS = _split("cPanel|WHM|Plesk|el área de clientes|el webmail|phpMyAdmin|Softaculous")
ERRORS = _split("error 500|error 403|error 404|error 503|pantalla blanca|timeout|error 508")
PROGRAMS = _split("Outlook|Thunderbird|FileZilla|Gmail|Android|iPhone|Apple Mail|WinSCP")
# (title template, category, topic words)
TOPICS_ES = [
    (
        "Cómo configurar {program} con su cuenta de correo",
        "Correo",
        "imap|smtp|puerto 993|puerto 465|autenticación|servidor entrante|servidor saliente|buzón",
    ),
    (
        "Mi {service} muestra {error}",
        "Sitios web",
        "htaccess|permisos|memory_limit|registro de errores|plugin|tema|depuración|versión de PHP",
    ),
    (
        "No puedo entrar a {panel}",
        "Cuenta y acceso",
        "contraseña|usuario|bloqueo|firewall|dirección IP|navegador|cookies|sesión",
    ),
    (
        "Cambiar los DNS de su dominio para {service}",
        "Dominios y DNS",
        "nameservers|registrador|propagación|zona DNS|registro A|CNAME|TTL|delegación",
    ),
    (
        "Restaurar una copia de seguridad de {service}",
        "Copias de seguridad",
        "respaldo|JetBackup|punto de restauración|archivos|base de datos|fecha"
        "|carpeta|restauración",
    ),
    (
        "Instalar un certificado SSL en {service}",
        "Seguridad",
        "certificado|AutoSSL|HTTPS|candado|Let's Encrypt|renovación|redirección|contenido mixto",
    ),
    (
        "Reportar el pago de {service}",
        "Pagos y facturación",
        "comprobante|transferencia|factura|PSE|tarjeta|consignación|renovación|vencimiento",
    ),
    (
        "Mi {service} está lento o intermitente",
        "Servidores y disponibilidad",
        "recursos|CPU|memoria RAM|caché|tráfico|consultas lentas|optimización|procesos",
    ),
    (
        "Subir archivos con {program}",
        "Sitios web",
        "FTP|SFTP|public_html|modo pasivo|puerto 21|puerto 22|conexión|transferencia",
    ),
    (
        "Correos de {service} llegan a spam",
        "Correo",
        "SPF|DKIM|DMARC|reputación|lista negra|remitente|encabezados|filtro",
    ),
    (
        "Ataque o tráfico sospechoso en {service}",
        "Seguridad",
        "DDoS|bots|malware|Imunify360|limpieza|escaneo|Cloudflare|tráfico anómalo",
    ),
    (
        "Actualizar la versión de PHP en {panel}",
        "Sitios web",
        "MultiPHP|extensiones|compatibilidad|ionCube|opcache|php.ini|WordPress|módulos",
    ),
    (
        "Crear una base de datos MySQL en {panel}",
        "Sitios web",
        "MySQL|usuario de base de datos|privilegios|phpMyAdmin|importar|exportar"
        "|cotejamiento|tablas",
    ),
    (
        "Transferir un dominio a nuestro {service}",
        "Dominios y DNS",
        "código EPP|desbloqueo|registrador|transferencia|WHOIS|contacto administrativo"
        "|aprobación|60 días",
    ),
    (
        "Configurar el correo en {program}",
        "Correo",
        "IMAP|POP3|sincronización|carpetas|firma|cuenta|contraseña de aplicación|notificaciones",
    ),
    (
        "Buzón lleno en {service}",
        "Correo",
        "cuota|espacio en disco|papelera|archivar|adjuntos|rebote|límite|limpieza",
    ),
    (
        "Instalar WordPress con {panel}",
        "Sitios web",
        "WordPress|instalador|plantilla|administrador|wp-admin|actualizaciones|plugins|tema",
    ),
    (
        "Renovar el {service} antes del vencimiento",
        "Pagos y facturación",
        "renovación automática|vencimiento|suspensión|factura|recordatorio"
        "|periodo de gracia|pago|dominio",
    ),
    (
        "Activar la verificación en dos pasos en {panel}",
        "Cuenta y acceso",
        "código|aplicación autenticadora|Google Authenticator|códigos de respaldo|QR"
        "|seguridad|inicio de sesión|celular",
    ),
    (
        "Reactivar un {service} suspendido",
        "Pagos y facturación",
        "suspensión|factura vencida|reactivación|pago|aviso|cuenta suspendida|plazo|soporte",
    ),
    (
        "Ver los registros de acceso de {service}",
        "Servidores y disponibilidad",
        "logs|registro de acceso|Awstats|visitantes|IP|peticiones|errores|métricas",
    ),
    (
        "Configurar un subdominio para {service}",
        "Dominios y DNS",
        "subdominio|carpeta raíz|registro DNS|redirección|SSL|dominio principal|alias|ruta",
    ),
    (
        "Solicitar asistencia remota para {service}",
        "Soporte",
        "AnyDesk|sesión remota|técnico|horario|plan de soporte|autorización|pantalla|cita",
    ),
    (
        "Tiempos de respuesta del soporte para {service}",
        "Soporte",
        "impacto|prioridad|SLA|horario hábil|ticket|nivel de soporte|urgente|escalamiento",
    ),
]
SENTENCES_ES = [
    "Revise {a} antes de cambiar {b}.",
    "Si {a} no funciona, compruebe {b}.",
    "Para ajustar {a}, abra {panel} y busque {b}.",
    "Tenga en cuenta que {a} puede afectar {b}.",
    "Anote {a} y {b} antes de seguir.",
    "Cuando termine con {a}, verifique de nuevo {b}.",
    "En {panel} encontrará {a} junto a {b}.",
    "El cambio de {a} tarda unos minutos en aplicarse.",
]
FILLER_ES = [
    "Si el problema continúa, abra un ticket desde el área de clientes con los detalles.",
    "Este procedimiento no afecta a los visitantes de su sitio.",
    "Nuestro equipo de soporte puede ayudarle en horario hábil según su plan.",
    "Guarde los cambios y vuelva a probar después de unos minutos.",
    "Le recomendamos hacer una copia de seguridad antes de cualquier cambio importante.",
    "Los tiempos de respuesta dependen del impacto del caso.",
    "Tenga a mano los datos de acceso de su cuenta.",
    "Si tiene dudas, consulte primero la base de conocimiento.",
]
TOPICS_EN = [
    (
        "How to set up {program} with your email account",
        "IMAP|SMTP|port 993|authentication|incoming server|outgoing server|mailbox|password",
    ),
    (
        "My {service} shows {error}",
        "htaccess|permissions|memory limit|error log|plugin|theme|debugging|PHP version",
    ),
    (
        "I can't log in to {panel}",
        "password|username|blocked|firewall|IP address|browser|cookies|session",
    ),
    (
        "Restore a backup of your {service}",
        "backup|JetBackup|restore point|files|database|date|folder|restore",
    ),
    (
        "Install an SSL certificate on {service}",
        "certificate|AutoSSL|HTTPS|padlock|Let's Encrypt|renewal|redirect|mixed content",
    ),
]
SENTENCES_EN = [
    "Check {a} before changing {b}.",
    "If {a} does not work, check {b}.",
    "To adjust {a}, open {panel} and look for {b}.",
    "Note that {a} can affect {b}.",
]
FILLER_EN = [
    "If the problem persists, open a ticket from the client area with the details.",
    "This does not affect your site's visitors.",
    "Save the changes and try again after a few minutes.",
]

QUERIES_ES = _split(
    "no puedo entrar a cpanel|correo|configurar outlook|error 500 wordpress"
    "|mis correos llegan a spam|certificado ssl|cambiar dns del dominio"
    "|restaurar copia de seguridad|pago por pse|sitio lento|subir archivos por ftp"
    "|me bloquearon la ip|version de php|ataque ddos|factura|propagacion dns"
    "|la pagina se ve en blanco|olvide la contraseña del correo|como hago un respaldo"
    "|el hosting esta muy lento y a ratos se cae|filezilla no conecta|registro mx"
    "|buzon lleno|transferir dominio codigo epp|crear base de datos mysql"
    "|instalar wordpress|renovar dominio|cuenta suspendida|verificacion en dos pasos"
    "|ver visitantes del sitio|crear subdominio|asistencia remota anydesk"
    "|cuanto tardan en responder un ticket|hola, desde ayer no me llegan los correos"
    " al celular y outlook pide la contraseña a cada rato"
)
QUERIES_EN = _split(
    "restore backup|email going to spam|can't log in to cpanel|ssl certificate"
    "|website is slow|change php version|set up outlook email|mailbox full"
)


def _sentence(rng: random.Random, templates: list[str], words: list[str], panels: list[str]) -> str:
    a, b = rng.sample(words, 2)
    return rng.choice(templates).format(a=a, b=b, panel=rng.choice(panels))


def _body(
    rng: random.Random, words: list[str], templates: list[str], filler: list[str], heading: str
) -> str:
    sections = []
    for section in range(rng.randint(2, 4)):
        sentences = [_sentence(rng, templates, words, PANELS) for _ in range(rng.randint(3, 6))]
        if rng.random() < 0.5:
            sentences.insert(rng.randrange(len(sentences)), rng.choice(filler))
        sections.append(f"## {heading} {section + 1}\n\n" + " ".join(sentences))
    return "\n\n".join(sections)


def _slots(rng: random.Random) -> dict[str, str]:
    return {
        "service": rng.choice(SERVICES),
        "panel": rng.choice(PANELS),
        "error": rng.choice(ERRORS),
        "program": rng.choice(PROGRAMS),
    }


def _article(rng: random.Random, number: int) -> dict[str, object]:
    title_template, category, words = rng.choice(TOPICS_ES)
    return {
        "title": f"{title_template.format(**_slots(rng))} ({number})",
        "category": category,
        "body": _body(rng, _split(words), SENTENCES_ES, FILLER_ES, "Paso"),
        "language": "es",
    }


def _translation(rng: random.Random, number: int) -> dict[str, object]:
    title_template, words = rng.choice(TOPICS_EN)
    return {
        "title": f"{title_template.format(**_slots(rng))} ({number})",
        "body": _body(rng, _split(words), SENTENCES_EN, FILLER_EN, "Step"),
        "language": "en",
    }


def _typo(rng: random.Random, query: str) -> str:
    words = query.split()
    index = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[index]
    if len(word) > 4:
        position = rng.randrange(1, len(word) - 1)
        word = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    words[index] = word
    return " ".join(words)


def make_queries(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(query, language): keywords and sentences, a fifth with a typo, a fifth half-typed."""
    queries = []
    for number in range(count):
        if number % 5 == 4:
            query, language = rng.choice(QUERIES_EN), "en"
        else:
            query, language = rng.choice(QUERIES_ES), "es"
        kind = number % 10
        if kind in (1, 6):
            query = _typo(rng, query)
        elif kind in (3, 8):
            query = query[: max(3, len(query) - rng.randint(2, 4))]  # still typing
        queries.append((query, language))
    return queries


# --- The run ---------------------------------------------------------------------------


def build(articles: int, seed: int) -> None:
    """Create categories and articles, rendered and indexed like the application does."""
    from django.db import connection, transaction

    from atiende.kb.actions import get_or_create_category
    from atiende.kb.indexing import index_articles
    from atiende.kb.models import Article
    from atiende.kb.rendering import render_markdown

    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    categories = {name: get_or_create_category(name) for _, name, _ in TOPICS_ES}
    rows: list[Article] = []
    for number in range(articles):
        english = number % 5 == 4  # every fifth is the English version of the one before
        data = _translation(rng, number) if english else _article(rng, number)
        key = f"bench-{number - 1 if english else number}"
        rendered = render_markdown(str(data["body"]))
        rows.append(
            Article(
                import_id=f"{key}.{data['language']}",
                translation_key=key,
                language=data["language"],
                slug=f"{key}-{data['language']}",
                category=rows[-1].category if english else categories[str(data["category"])],
                title=data["title"],
                body=data["body"],
                body_html=rendered.html,
                toc_html=rendered.toc_html,
                body_text=rendered.text,
                status="draft" if rng.random() < 0.1 else "published",
                visibility=rng.choices(["public", "customers", "agents"], [85, 10, 5])[0],
                created_at=NOW,
                updated_at=NOW,
            )
        )
    with transaction.atomic():
        index_articles(Article.objects.bulk_create(rows, batch_size=1000))
    with connection.cursor() as cursor:
        # What autovacuum does to a table at rest; SQLite has no VACUUM ANALYZE.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def measure(queries: list[tuple[str, str]]) -> list[float]:
    from django.contrib.auth.models import AnonymousUser

    from atiende.kb.search import search_articles

    visitor = AnonymousUser()
    for query, language in queries[:20]:  # warm caches and connections
        search_articles(query, user=visitor, language=language)
    timings = []
    for query, language in queries:
        start = time.perf_counter()
        search_articles(query, user=visitor, language=language)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def run_one(database: str, args: argparse.Namespace) -> None:
    """Runs in its own process: settings are read once per process."""
    with tempfile.TemporaryDirectory(prefix="atiende-bench-") as data_dir:
        os.environ["ATIENDE_DATA_DIR"] = data_dir
        os.environ["DJANGO_SETTINGS_MODULE"] = "atiende.settings"
        if database == "postgresql":
            base = args.postgres_url.rsplit("/", 1)[0]
            _recreate_postgres_database(args.postgres_url)
            os.environ["DATABASE_URL"] = f"{base}/{BENCH_DATABASE}"
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{data_dir}/bench.sqlite3"
        sys.path.insert(0, str(ROOT))
        import django
        from django.core.management import call_command

        django.setup()
        try:
            call_command("migrate", verbosity=0)
            started = time.perf_counter()
            build(args.articles, args.seed)
            built = time.perf_counter() - started
            queries = make_queries(random.Random(args.seed), args.queries)  # noqa: S311
            timings = measure(queries)
        finally:
            if database == "postgresql":
                from django.db import connections

                connections.close_all()
                _drop_postgres_database(args.postgres_url)
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(
        f"{database:<10} articles={args.articles} queries={len(timings)} "
        f"build={built:.1f}s  median={statistics.median(timings):.1f} ms  "
        f"p95={p95:.1f} ms  max={max(timings):.1f} ms"
    )


def _admin_connection(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(url, autocommit=True)


def _recreate_postgres_database(url: str) -> None:
    with _admin_connection(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}"')
        connection.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')


def _drop_postgres_database(url: str) -> None:
    with _admin_connection(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}"')


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="a database on the server to use; the benchmark creates its own next to it",
    )
    args = parser.parse_args(argv)
    if args.database != "both":
        run_one(args.database, args)
        return
    for database in ("sqlite", "postgresql"):
        command = [sys.executable, __file__, *sys.argv[1:], "--database", database]
        subprocess.run(command, check=True)  # noqa: S603 - our own script, fixed arguments


if __name__ == "__main__":
    main()
