"""The analyser shared by indexing and search (no database needed)."""

from __future__ import annotations

from atiende.kb.analysis import (
    FILLER_WORDS,
    analyse,
    analyse_query,
    edit_distance,
    fold,
    spelling_variants,
    words,
)
from atiende.kb.synonyms import SYNONYMS


def test_folding_removes_accents_and_case():
    assert fold("Contraseña ÁRBOL Pingüino") == "contrasena arbol pinguino"


def test_accented_and_plain_spellings_give_the_same_tokens():
    assert analyse("Configuración de contraseñas", "es") == analyse(
        "configuracion de contrasenas", "es"
    )


def test_superlatives_are_reduced_to_the_plain_adjective():
    assert words("lentísima") == ["lento"]


def test_synonym_phrase_adds_a_concept_token_on_both_sides():
    document = analyse("Sus correos llegan a la bandeja de spam", "es")
    query = analyse_query("me llegan a correo no deseado")
    assert "zzspam" in document
    assert {"zzspam"} <= set().union(*query.phrase_concepts, *(w.concepts for w in query.words))


def test_spanish_and_english_words_meet_through_concepts():
    assert "zzbackup" in analyse("Restaurar una copia de seguridad", "es")
    assert "zzbackup" in analyse("Restore a backup", "en")


def test_last_word_is_partial_until_a_space_is_typed():
    assert analyse_query("cambiar contras").words[-1].partial
    assert not analyse_query("cambiar contras ").words[-1].partial


def test_common_spanish_misspellings_are_generated():
    assert "certificado" in spelling_variants("sertificado")
    assert "bloquearon" in spelling_variants("bloquiaron")


def test_edit_distance_counts_a_transposition_as_one_edit():
    assert edit_distance("certifcado", "certificado", 2) == 1
    assert edit_distance("wordrpess", "wordpress", 2) == 1
    assert edit_distance("abc", "xyz", 1) == 2  # stops early: more than the limit


def test_synonym_phrases_keep_their_meaning_without_filler_words():
    # "por error" would shrink to "error" and tag every error article as a deletion.
    shrunk = []
    for phrases in SYNONYMS.values():
        for phrase in phrases:
            raw = words(phrase)
            content = [word for word in raw if word not in FILLER_WORDS]
            if not content or (len(raw) > 1 and len(content) < 2):
                shrunk.append(phrase)
    assert shrunk == []
