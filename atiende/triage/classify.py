"""Automatic triage of new tickets, on top of the framework-free classifier.

Every ticket from every channel goes through ``classify_new_ticket`` (called by
``tickets.actions.open_ticket``). It never overrides a choice: when the
customer chose a case type the classifier only checks it and flags a likely
mismatch; agents' choices are never touched. Agents' corrections are kept and
``atiende triage train`` learns from them.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from atiende.triage.classifier import (
    OTHER,
    Example,
    Model,
    Prediction,
    builtin_examples,
    builtin_model,
)
from atiende.triage.models import CaseType, Classification, Correction, TriageModel

if TYPE_CHECKING:
    from atiende.accounts.models import User
    from atiende.tickets.models import Ticket

# Below this the classifier's disagreement with the customer's own choice is
# not worth an agent's attention.
MISMATCH_CONFIDENCE = 0.6
# An agent's correction counts as much as two built-in examples.
CORRECTION_WEIGHT = 2.0


@dataclass(frozen=True)
class TriageResult:
    prediction: Prediction
    model_version: str
    case_type: CaseType | None
    mismatch: bool
    needs_triage: bool


def active_model() -> tuple[str, Model]:
    """The model in use: the active stored version, else the built-in one."""
    active = TriageModel.objects.filter(is_active=True).values_list("pk", flat=True).first()
    if active is None:
        model = builtin_model()
        return model.version, model
    return f"v{active}", _load(active)


@functools.lru_cache(maxsize=4)
def _load(pk: int) -> Model:
    # A stored version never changes, so it is parsed once per process.
    return Model.from_json(TriageModel.objects.get(pk=pk).data)


def triage(subject: str, body: str, *, chosen: CaseType | None) -> TriageResult:
    """Classify a request and decide what to do with the result."""
    version, model = active_model()
    prediction = model.predict(subject, body)
    if chosen is not None:
        mismatch = (
            not prediction.low_confidence
            and prediction.case_type not in (OTHER, chosen.code)
            and prediction.confidence >= MISMATCH_CONFIDENCE
        )
        return TriageResult(prediction, version, chosen, mismatch, needs_triage=mismatch)
    case_type = (
        CaseType.objects.filter(code=prediction.case_type).select_related("department").first()
    )
    unsure = prediction.low_confidence or prediction.case_type == OTHER or case_type is None
    if case_type is None:
        case_type = CaseType.objects.filter(code=OTHER).select_related("department").first()
    return TriageResult(prediction, version, case_type, mismatch=False, needs_triage=unsure)


def classification_row(
    result: TriageResult, *, ticket_id: int, customer_choice: str, now: datetime
) -> Classification:
    prediction = result.prediction
    return Classification(
        ticket_id=ticket_id,
        model_version=result.model_version,
        predicted=prediction.case_type,
        best_guess=prediction.best_guess,
        confidence=round(prediction.confidence, 4),
        explanation=list(prediction.explanation),
        customer_choice=customer_choice,
        mismatch=result.mismatch,
        at=now,
    )


def record_correction(
    ticket: Ticket, *, corrected: CaseType | None, agent: User | None, now: datetime
) -> None:
    """Keep an agent's case-type change when it differs from what the classifier said."""
    classification = Classification.objects.filter(ticket=ticket).first()
    if classification is None or corrected is None or corrected.code == classification.predicted:
        return
    first = ticket.messages.order_by("created_at", "pk").first()
    Correction.objects.create(
        ticket=ticket,
        predicted=classification.predicted,
        corrected=corrected.code,
        subject=ticket.subject,
        body=first.body if first else "",
        agent=agent,
        at=now,
    )


def training_examples() -> tuple[list[Example], int]:
    """The built-in examples plus every agent correction (weighted)."""
    corrections = [
        Example(c.subject, c.body, c.corrected, weight=CORRECTION_WEIGHT)
        for c in Correction.objects.order_by("at").iterator()
    ]
    return [*builtin_examples(), *corrections], len(corrections)


@transaction.atomic
def train_and_activate(*, now: datetime, note: str = "") -> TriageModel:
    """Train a new version from the built-in examples and the corrections; make it active."""
    examples, corrections = training_examples()
    number = (TriageModel.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    model = Model.train(examples, version=f"v{number}", created_at=now.isoformat())
    TriageModel.objects.filter(is_active=True).update(is_active=False)
    return TriageModel.objects.create(
        created_at=now,
        examples=len(examples),
        corrections=corrections,
        data=json.loads(model.to_json()),
        is_active=True,
        note=note,
    )


@transaction.atomic
def rollback(*, to: int | None = None) -> TriageModel | None:
    """Activate version ``to`` (default: the one before the active one); None means built-in."""
    active = TriageModel.objects.filter(is_active=True).first()
    if to is None:
        previous = (
            TriageModel.objects.filter(pk__lt=active.pk if active else 0).order_by("-pk").first()
        )
    else:
        previous = TriageModel.objects.get(pk=to)
    TriageModel.objects.filter(is_active=True).update(is_active=False)
    if previous is not None:
        previous.is_active = True
        previous.save(update_fields=["is_active"])
    return previous
