"""Measuring a triage model: per-class precision/recall, confusions, accuracy.

Pure Python, no Django. Typical use::

    from atiende.triage.classifier import builtin_model
    from atiende.triage.evaluation import evaluate, format_report, load_jsonl

    print(format_report(evaluate(builtin_model(), load_jsonl("tickets.jsonl"))))
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .classifier import (
    CASE_TYPE_IMPACT,
    CASE_TYPES,
    Example,
    Model,
    Prediction,
    builtin_examples,
    builtin_model,
    train_model,
)

__all__ = [
    "ClassStats",
    "Report",
    "cross_validate",
    "evaluate",
    "format_report",
    "load_jsonl",
    "main",
]


@dataclass(frozen=True)
class ClassStats:
    """Precision, recall and support of one case type."""

    case_type: str
    precision: float
    recall: float
    support: int
    predicted: int


@dataclass(frozen=True)
class Report:
    """Result of :func:`evaluate`.

    ``confusions`` lists ``((true, predicted), count)`` for wrong predictions,
    most frequent first. ``mistakes`` keeps the misclassified examples so a
    person can read them.
    """

    n: int
    accuracy: float
    impact_accuracy: float
    per_class: list[ClassStats]
    confusions: list[tuple[tuple[str, str], int]]
    mistakes: list[tuple[Example, Prediction]] = field(default_factory=list, repr=False)


def load_jsonl(path: str | Path) -> list[Example]:
    """Read labelled tickets, one JSON object per line.

    Each line needs ``subject``, ``body`` and ``case_type``; ``language`` and
    ``impact`` are optional (impact is derived from the case type, but a
    contradicting value is reported). Blank lines are skipped. Any malformed
    line raises ``ValueError`` naming its line number.
    """
    examples = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise ValueError("expected a JSON object")
                missing = [k for k in ("subject", "body", "case_type") if k not in row]
                if missing:
                    raise ValueError(f"missing field(s) {', '.join(missing)}")
                if not all(isinstance(row[k], str) for k in ("subject", "body", "case_type")):
                    raise ValueError("subject, body and case_type must be strings")
                impact = row.get("impact")
                if impact is not None and impact != CASE_TYPE_IMPACT.get(row["case_type"], impact):
                    raise ValueError(
                        f"impact {impact!r} contradicts case type {row['case_type']!r}"
                    )
                examples.append(
                    Example(row["subject"], row["body"], row["case_type"], row.get("language"))
                )
            except ValueError as error:  # json.JSONDecodeError is a ValueError
                raise ValueError(f"{path}: line {number}: {error}") from error
    return examples


def evaluate(model: Model, examples: Iterable[Example]) -> Report:
    """Classify every example and compare with its label.

    Impact accuracy compares the impact of the predicted case type with the
    impact of the true one; a predicted ``other`` counts as "low".
    """
    pairs = [(example, model.predict(example.subject, example.body)) for example in examples]
    return _report(pairs)


def _report(pairs: Sequence[tuple[Example, Prediction]]) -> Report:
    n = len(pairs)
    true_counts: Counter[str] = Counter()
    predicted_counts: Counter[str] = Counter()
    correct_counts: Counter[str] = Counter()
    confusions: Counter[tuple[str, str]] = Counter()
    impact_hits = 0
    mistakes = []
    for example, prediction in pairs:
        truth, guess = example.case_type, prediction.case_type
        true_counts[truth] += 1
        predicted_counts[guess] += 1
        if truth == guess:
            correct_counts[truth] += 1
        else:
            confusions[(truth, guess)] += 1
            mistakes.append((example, prediction))
        impact_hits += CASE_TYPE_IMPACT[truth] == CASE_TYPE_IMPACT[guess]
    per_class = [
        ClassStats(
            case_type=case_type,
            precision=_ratio(correct_counts[case_type], predicted_counts[case_type]),
            recall=_ratio(correct_counts[case_type], true_counts[case_type]),
            support=true_counts[case_type],
            predicted=predicted_counts[case_type],
        )
        for case_type in CASE_TYPES
        if true_counts[case_type] or predicted_counts[case_type]
    ]
    return Report(
        n=n,
        accuracy=_ratio(sum(correct_counts.values()), n),
        impact_accuracy=_ratio(impact_hits, n),
        per_class=per_class,
        confusions=sorted(confusions.items(), key=lambda item: (-item[1], item[0])),
        mistakes=mistakes,
    )


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def cross_validate(
    examples: Sequence[Example],
    train: Callable[[list[Example]], Model],
    *,
    folds: int = 5,
    seed: int = 0,
) -> Report:
    """Stratified k-fold cross-validation: every example is predicted by a
    model that never saw it. ``train`` builds a model from a training list."""
    by_class: dict[str, list[Example]] = {}
    for example in examples:
        by_class.setdefault(example.case_type, []).append(example)
    rng = random.Random(seed)  # noqa: S311 - shuffling, not security
    fold_of: dict[int, int] = {}
    position = 0
    for case_type in sorted(by_class):
        members = by_class[case_type][:]
        rng.shuffle(members)
        for example in members:
            fold_of[id(example)] = position % folds
            position += 1
    pairs: list[tuple[Example, Prediction]] = []
    for fold in range(folds):
        training = [e for e in examples if fold_of[id(e)] != fold]
        model = train(training)
        for example in examples:
            if fold_of[id(example)] == fold:
                pairs.append((example, model.predict(example.subject, example.body)))
    return _report(pairs)


def format_report(report: Report, *, confusions: int = 8) -> str:
    """Human-readable table; the last line is always
    ``case_type accuracy: 0.912  impact accuracy: 0.965  n=90``."""
    lines = [f"{'case type':<28} {'prec':>6} {'recall':>6} {'support':>7} {'predicted':>9}"]
    for stats in report.per_class:
        lines.append(
            f"{stats.case_type:<28} {stats.precision:>6.3f} {stats.recall:>6.3f} "
            f"{stats.support:>7d} {stats.predicted:>9d}"
        )
    if report.confusions:
        lines.append("")
        lines.append("most frequent confusions (true -> predicted):")
        for (truth, guess), count in report.confusions[:confusions]:
            lines.append(f"  {count:>3d}  {truth} -> {guess}")
    lines.append("")
    lines.append(
        f"case_type accuracy: {report.accuracy:.3f}  "
        f"impact accuracy: {report.impact_accuracy:.3f}  n={report.n}"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: evaluate the built-in model on JSONL files and/or by
    cross-validation on the built-in examples, e.g.::

        python -m atiende.triage.evaluation tickets.jsonl --cv 5
    """
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("paths", nargs="*", type=Path, help="labelled tickets (JSONL)")
    parser.add_argument("--cv", type=int, default=0, metavar="K", help="K-fold CV on built-ins")
    parser.add_argument("--seed", type=int, default=0, help="CV shuffling seed")
    parser.add_argument("--mistakes", action="store_true", help="list misclassified tickets")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    model = builtin_model()
    print(
        f"built-in model: {model.metadata['n_examples']} examples, "
        f"trained in {time.perf_counter() - started:.3f} s"
    )
    reports: list[tuple[str, Report]] = []
    for path in args.paths:
        examples = load_jsonl(path)
        started = time.perf_counter()
        reports.append((str(path), evaluate(model, examples)))
        elapsed = (time.perf_counter() - started) / max(len(examples), 1)
        print(f"{path}: mean {elapsed * 1000:.2f} ms per ticket")
    if args.cv:
        report = cross_validate(
            list(builtin_examples()), train_model, folds=args.cv, seed=args.seed
        )
        reports.append((f"{args.cv}-fold cross-validation on built-in examples", report))
    for title, report in reports:
        print(f"\n== {title}")
        if args.mistakes:
            for example, prediction in report.mistakes:
                print(
                    f"  {example.case_type} -> {prediction.case_type} "
                    f"({prediction.confidence:.2f}): {example.subject!r}"
                )
        print(format_report(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
