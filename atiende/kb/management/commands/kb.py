"""``atiende kb``: import, export, evaluate and reindex the knowledge base.

atiende kb import DIR              Markdown files with front matter (idempotent by id)
atiende kb export DIR              the same format, one file per article
atiende kb evaluate QUERIES.jsonl  recall@3 and MRR of the search
atiende kb reindex                 re-render and re-index every article
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from atiende.kb.evaluation import CUTOFF, BadQueryFile, evaluate, read_queries
from atiende.kb.importing import export_directory, import_directory
from atiende.kb.indexing import rebuild_index


class Command(BaseCommand):
    help = "Import, export, evaluate and reindex the knowledge base."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        import_parser = subcommands.add_parser("import", help="Import Markdown articles.")
        import_parser.add_argument("directory", type=Path)
        export_parser = subcommands.add_parser("export", help="Export every article.")
        export_parser.add_argument("directory", type=Path)
        evaluate_parser = subcommands.add_parser("evaluate", help="Measure search quality.")
        evaluate_parser.add_argument("queries", type=Path)
        subcommands.add_parser("reindex", help="Rebuild the search index.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['subcommand']}")(options)

    def _import(self, options: dict[str, Any]) -> None:
        directory: Path = options["directory"]
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        report = import_directory(directory, now=timezone.now())
        for import_id in report.created:
            self.stdout.write(f"created    {import_id}")
        for import_id in report.updated:
            self.stdout.write(f"updated    {import_id}")
        for name, reason in report.errors:
            self.stderr.write(f"error      {name}: {reason}")
        self.stdout.write(report.summary())
        if report.errors:
            raise CommandError(f"{len(report.errors)} file(s) could not be imported")

    def _export(self, options: dict[str, Any]) -> None:
        count = export_directory(options["directory"])
        self.stdout.write(f"exported {count} articles to {options['directory']}")

    def _evaluate(self, options: dict[str, Any]) -> None:
        try:
            queries = read_queries(options["queries"])
        except (BadQueryFile, OSError) as error:
            raise CommandError(f"{options['queries']}: {error}") from None
        evaluation = evaluate(queries)
        for result in evaluation.results:
            if result.recall < 1:
                missing = [item for item in result.relevant if item not in result.found[:CUTOFF]]
                self.stdout.write(
                    f"miss  [{result.language}] {result.query!r}: "
                    f"missing {', '.join(missing)}; "
                    f"got {', '.join(result.found[:CUTOFF]) or 'nothing'}"
                )
        self.stdout.write(evaluation.summary_line())

    def _reindex(self, options: dict[str, Any]) -> None:
        count = rebuild_index()
        self.stdout.write(f"reindexed {count} articles")
