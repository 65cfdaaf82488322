"""``atiende triage``: train, roll back, list and evaluate the case-type classifier.

atiende triage train [--note TEXT]     learn from built-in examples + agents' corrections
atiende triage rollback [--to N]       go back to the previous (or a given) version
atiende triage models                  list stored versions
atiende triage evaluate FILE.jsonl     measure the model in use on labelled tickets
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from atiende.triage.classify import active_model, rollback, train_and_activate
from atiende.triage.evaluation import evaluate, format_report, load_jsonl
from atiende.triage.models import TriageModel


class Command(BaseCommand):
    help = "Train, roll back, list and evaluate the triage classifier."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train")
        train.add_argument("--note", default="")
        back = sub.add_parser("rollback")
        back.add_argument("--to", type=int, help="Version number to activate.")
        sub.add_parser("models")
        measure = sub.add_parser("evaluate")
        measure.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "train":
            row = train_and_activate(now=timezone.now(), note=options["note"])
            self.stdout.write(
                f"trained v{row.pk} on {row.examples} examples "
                f"({row.corrections} corrections); now in use"
            )
        elif action == "rollback":
            try:
                restored = rollback(to=options.get("to"))
            except TriageModel.DoesNotExist:
                raise CommandError(f"There is no version {options['to']}.") from None
            self.stdout.write(
                f"now in use: v{restored.pk}" if restored else "now in use: the built-in model"
            )
        elif action == "models":
            version, _model = active_model()
            self.stdout.write(f"in use: {version}")
            for row in TriageModel.objects.all():
                mark = "*" if row.is_active else " "
                self.stdout.write(
                    f"{mark} v{row.pk}  {row.created_at:%Y-%m-%d %H:%M}  "
                    f"{row.examples} examples, {row.corrections} corrections  {row.note}"
                )
        else:
            try:
                examples = load_jsonl(options["file"])
            except (OSError, ValueError) as error:
                raise CommandError(str(error)) from None
            _version, model = active_model()
            self.stdout.write(format_report(evaluate(model, examples)))
