"""Tests of the framework-free triage core (no Django needed).

Run: .venv/bin/python -m pytest -p no:django --noconftest atiende/triage/tests -q
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from pathlib import Path

import pytest

from atiende.triage.classifier import (
    _COMPOUND_SIGNALS,
    _SIGNAL_SOURCES,
    CASE_TYPE_IMPACT,
    CASE_TYPES,
    LOW_CONFIDENCE_THRESHOLD,
    OTHER,
    Example,
    Model,
    Prediction,
    builtin_examples,
    builtin_model,
    detect_language,
    train_model,
)
from atiende.triage.evaluation import cross_validate, evaluate, format_report, load_jsonl

# Tickets written for these tests only (not in builtin_examples.jsonl).
CLEAR_CASES = [
    (
        "se cayó todo",
        "La página está caída desde hace media hora, no carga para nadie",
        "service_down",
    ),
    ("Website down", "Our online store is down and does not load at all", "service_down"),
    (
        "NOS HACKEARON",
        "NOS HACKEARON LA WEB, AHORA SALE UN MENSAJE RARO Y PUBLICIDAD DE CASINO",
        "security_attack",
    ),
    ("Hacked site", "Our WordPress site got hacked and is full of malware", "security_attack"),
    (
        "clave del webmail",
        "Se me olvidó la contraseña del webmail, me la pueden restablecer?",
        "password_or_panel_access",
    ),
    (
        "Password reset",
        "I forgot my cPanel password, please reset it",
        "password_or_panel_access",
    ),
    (
        "renovación",
        "Adjunto comprobante del pago de la renovación anual del hosting",
        "payment_report_renewal",
    ),
    (
        "servicio suspendido",
        "Me suspendieron el hosting por falta de pago, ya pagué, reactívenlo por favor",
        "suspension_reactivation",
    ),
    (
        "Account suspended",
        "My account was suspended for non-payment, I've paid, please reactivate it",
        "suspension_reactivation",
    ),
    (
        "borré correos",
        "Borré sin querer todos los correos de la bandeja de entrada, se pueden recuperar?",
        "accidental_data_loss",
    ),
    (
        "lentitud",
        "La página lleva dos semanas lentísima y a ratos no abre",
        "prolonged_intermittency",
    ),
    (
        "bloqueo",
        "Desde la oficina no abre el correo ni la página, pero con datos del celular sí",
        "firewall_ip_block",
    ),
    ("MX", "Necesito cambiar los registros MX de mi dominio para Google", "dns_configuration"),
    (
        "Point my domain",
        "Which nameservers do I use to point my domain to your hosting?",
        "dns_configuration",
    ),
    (
        "licencia",
        "En el WHM sale que la licencia de cPanel no es válida",
        "licensing_error",
    ),
    (
        "error 500",
        "Después de instalar un plugin de WordPress la página muestra error 500",
        "user_code_or_db_error",
    ),
    (
        "backup",
        "Por favor restauren la copia de seguridad de ayer de la base de datos",
        "backup_restore",
    ),
    ("logs", "Necesito los logs de acceso de la última semana", "logs_or_reports_request"),
    ("pregunta", "¿Cómo configuro mi correo en Thunderbird?", "how_to"),
    (
        "cotización",
        "¿Cuánto cuesta un VPS con 8 GB de RAM? Envíenme una cotización",
        "sales_inquiry",
    ),
    (
        "pago hosting nuevo",
        "Acabo de contratar un hosting nuevo y ya pagué, adjunto comprobante para activarlo",
        "payment_report_activation",
    ),
]


@pytest.fixture(scope="module")
def model() -> Model:
    return builtin_model()


@pytest.mark.parametrize(("subject", "body", "expected"), CLEAR_CASES)
def test_clear_cases(model: Model, subject: str, body: str, expected: str) -> None:
    prediction = model.predict(subject, body)
    assert prediction.case_type == expected, prediction
    assert prediction.confidence >= LOW_CONFIDENCE_THRESHOLD
    assert prediction.impact == CASE_TYPE_IMPACT[expected]


@pytest.mark.parametrize(
    ("subject", "body", "expected"),
    [
        (
            "contrasela",
            "olvide la contrasela del coreo, me la resetean porfa",
            "password_or_panel_access",
        ),
        ("AYUDAAA", "LA PAJINA ESTA CAIDAAA Y NO CARGA NADAAA", "service_down"),
        ("hakeo", "nos hakearon el sitio y redirije a paginas de apuestas", "security_attack"),
    ],
)
def test_typos_shouting_and_missing_accents(
    model: Model, subject: str, body: str, expected: str
) -> None:
    assert model.predict(subject, body).case_type == expected


def test_explanation_names_the_deciding_words(model: Model) -> None:
    hacked = model.predict("urgente", "Nos hackearon la página esta mañana")
    assert hacked.case_type == "security_attack"
    assert any("hackearon" in item for item in hacked.explanation)

    down = model.predict("página caída", "El sitio está caído y no carga la página")
    assert down.case_type == "service_down"
    joined = " | ".join(down.explanation)
    assert "caído" in joined or "caída" in joined
    assert "no carga" in joined
    assert 1 <= len(down.explanation) <= 4


@pytest.mark.parametrize(
    ("subject", "body"),
    [("", ""), ("asdfgh", "qwerty zxcvb plokij"), ("???", "!!! ... ---")],
)
def test_gibberish_and_empty_text_need_triage(model: Model, subject: str, body: str) -> None:
    prediction = model.predict(subject, body)
    assert prediction.case_type == OTHER
    assert prediction.low_confidence
    assert prediction.confidence < LOW_CONFIDENCE_THRESHOLD
    assert prediction.explanation  # says why


def test_low_confidence_keeps_best_guess(model: Model) -> None:
    prediction = model.predict("hola", "tengo un problema")
    assert prediction.case_type == OTHER
    assert prediction.low_confidence
    assert prediction.best_guess in CASE_TYPES
    assert "low confidence" in prediction.explanation[0]


def test_high_impact_problem_wins_in_mixed_ticket(model: Model) -> None:
    prediction = model.predict(
        "varias cosas",
        "Nos hackearon el sitio y ahora redirige a páginas raras. "
        "Aparte quería preguntar cómo creo una cuenta de correo nueva.",
    )
    assert prediction.case_type == "security_attack"


def test_extra_examples_teach_a_new_term(model: Model) -> None:
    # "Zorbex" is a made-up licence manager the built-in model cannot know.
    ticket = ("Zorbex", "Zorbex no deja publicar entradas")
    before = model.predict(*ticket)
    assert before.best_guess != "licensing_error"
    texts = [
        ("Zorbex vencido", "Zorbex dice que hay que renovar"),
        ("problema con zorbex", "zorbex muestra aviso en el panel"),
        ("Zorbex", "el Zorbex dejó de validar en el VPS"),
        ("Zorbex expired", "Zorbex shows a warning on the server"),
    ]
    # Agents' corrections are meant to count double (Example.weight).
    corrections = [Example(s, b, "licensing_error", weight=2) for s, b in texts]
    retrained = train_model([*builtin_examples(), *corrections], version="v2", created_at="t")
    after = retrained.predict(*ticket)
    assert after.case_type == "licensing_error"
    assert any("zorbex" in item.lower() for item in after.explanation)
    # Incremental update gives the same model as retraining on the union.
    incremental = model.updated(corrections, version="v2", created_at="t")
    assert incremental.predict(*ticket) == after
    assert incremental.metadata["n_examples"] == len(builtin_examples()) + len(corrections)
    # Even at normal weight the new term moves the best guess.
    plain = model.updated([Example(s, b, "licensing_error") for s, b in texts])
    assert plain.predict(*ticket).best_guess == "licensing_error"


def test_json_round_trip_predicts_identically(model: Model) -> None:
    trained = train_model(builtin_examples(), version="2024-06-01", created_at="2024-06-01T10:00")
    payload = trained.to_json()
    assert json.loads(payload)["metadata"]["version"] == "2024-06-01"
    restored = Model.from_json(payload)
    assert restored.version == "2024-06-01"
    assert restored.metadata == trained.metadata
    assert not restored.is_outdated
    tickets = [(subject, body) for subject, body, _ in CLEAR_CASES] + [("", ""), ("hola", "x")]
    for subject, body in tickets:
        original, copy = trained.predict(subject, body), restored.predict(subject, body)
        assert original == copy
        assert original.scores == copy.scores
    assert Model.from_json(json.loads(payload)).to_json() == payload


def test_from_json_rejects_unknown_format() -> None:
    with pytest.raises(ValueError, match="format"):
        Model.from_json('{"format_version": 999}')


def test_metadata_comes_from_arguments_not_the_clock() -> None:
    examples = [
        Example("caido", "el sitio esta caido", "service_down"),
        Example("clave", "olvide la clave", "password_or_panel_access"),
    ]
    model = Model.train(examples, version="tiny", created_at="2025-01-02T03:04:05Z")
    assert model.metadata["created_at"] == "2025-01-02T03:04:05Z"
    assert model.metadata["n_examples"] == 2
    assert model.classes == ["password_or_panel_access", "service_down"]


def test_example_rejects_unknown_case_type() -> None:
    with pytest.raises(ValueError, match="unknown case type"):
        Example("a", "b", "not_a_case_type")


def test_case_type_impacts() -> None:
    assert set(CASE_TYPE_IMPACT.values()) == {"low", "medium", "high"}
    assert CASE_TYPE_IMPACT[OTHER] == "low"
    assert CASE_TYPE_IMPACT["sales_inquiry"] == "low"
    assert CASE_TYPE_IMPACT["security_attack"] == "high"
    assert len(CASE_TYPES) == 17


def test_builtin_examples_cover_every_case_type_in_both_languages() -> None:
    examples = builtin_examples()
    per_type = Counter(e.case_type for e in examples)
    assert set(per_type) == set(CASE_TYPES)
    assert min(per_type.values()) >= 25
    english = Counter(e.case_type for e in examples if e.language == "en")
    assert set(english) == set(CASE_TYPES)


def test_compound_signals_refer_to_existing_signals() -> None:
    names = {name for name, _ in _SIGNAL_SOURCES}
    for _, present, absent in _COMPOUND_SIGNALS:
        assert set(present) | set(absent) <= names


def test_detect_language() -> None:
    assert detect_language("no puedo entrar al correo desde la oficina") == "es"
    assert detect_language("I can't log in to my account from the office") == "en"


def test_speed_of_training_and_prediction() -> None:
    start = time.perf_counter()
    model = train_model(builtin_examples())
    training = time.perf_counter() - start
    tickets = [(subject, body) for subject, body, _ in CLEAR_CASES]
    start = time.perf_counter()
    for _ in range(5):
        for subject, body in tickets:
            model.predict(subject, body)
    per_ticket = (time.perf_counter() - start) / (5 * len(tickets))
    # Generous bounds so a busy CI machine does not flake; typical figures
    # are ~0.3 s and ~1 ms.
    assert training < 2.0
    assert per_ticket < 0.010


def test_evaluate_and_report_format(model: Model) -> None:
    examples = [Example(s, b, c) for s, b, c in CLEAR_CASES] + [
        Example("asdf", "qwerty", OTHER),
        Example("website down", "nothing loads at all", "security_attack"),  # a wrong label
    ]
    report = evaluate(model, examples)
    assert report.n == len(examples)
    text = format_report(report)
    last = text.splitlines()[-1]
    assert re.fullmatch(r"case_type accuracy: \d\.\d{3}  impact accuracy: \d\.\d{3}  n=\d+", last)
    assert last.endswith(f"n={len(examples)}")
    assert 0.8 < report.accuracy < 1.0
    assert report.impact_accuracy >= report.accuracy
    assert report.confusions[0][0][0] == "security_attack"
    stats = {s.case_type: s for s in report.per_class}
    assert stats["service_down"].recall == 1.0
    assert stats["security_attack"].support == 3


def test_cross_validation_runs() -> None:
    report = cross_validate(list(builtin_examples()), train_model, folds=3)
    assert report.n == len(builtin_examples())
    assert report.accuracy > 0.8


def test_load_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "tickets.jsonl"
    rows = [
        {"subject": "caido", "body": "no carga", "case_type": "service_down", "impact": "high"},
        {"subject": "clave", "body": "olvide", "case_type": "password_or_panel_access"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    examples = load_jsonl(path)
    assert [e.case_type for e in examples] == ["service_down", "password_or_panel_access"]


@pytest.mark.parametrize(
    "bad_line",
    [
        '{"subject": "x", "body": "y"',  # broken JSON
        '{"subject": "x", "body": "y"}',  # missing case_type
        '{"subject": "x", "body": "y", "case_type": "nope"}',  # unknown case type
        '["not", "an", "object"]',
        '{"subject": "x", "body": "y", "case_type": "service_down", "impact": "low"}',
    ],
)
def test_load_jsonl_names_the_malformed_line(tmp_path: Path, bad_line: str) -> None:
    good = json.dumps({"subject": "a", "body": "b", "case_type": "how_to"})
    path = tmp_path / "bad.jsonl"
    path.write_text(f"{good}\n{good}\n{bad_line}\n{good}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 3\b"):
        load_jsonl(path)


def test_prediction_is_a_frozen_dataclass(model: Model) -> None:
    prediction = model.predict("caido", "el sitio esta caido")
    assert isinstance(prediction, Prediction)
    with pytest.raises(AttributeError):
        prediction.case_type = "other"  # type: ignore[misc]
