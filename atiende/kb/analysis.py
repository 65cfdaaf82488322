"""The search analyser: the linguistics shared by indexing and querying.

Both sides of search go through the same steps, so an article and a query
written differently ("Contraseña" / "contrasena", "copias de seguridad" /
"backup") meet on the same tokens whatever the database:

1. fold: Unicode-decompose, drop accents, lowercase, split on anything that is
   not a letter or digit;
2. normalise colloquial spellings that a stemmer would not join
   ("lentísima" → "lento");
3. recognise synonym phrases (``synonyms.py``) and emit one *concept token*
   per phrase, next to the words themselves;
4. drop stop words (Spanish and English);
5. stem with Snowball in the article's language; a query word is stemmed in
   both languages because people search in either.

The index stores the resulting tokens as plain space-separated text, which the
SQLite FTS5 table and the PostgreSQL ``tsvector`` ('simple' configuration)
take as they are.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

from atiende.kb.synonyms import CONCEPT_PREFIX, SYNONYMS

LANGUAGES = ("es", "en")
_STEMMER_NAMES = {"es": "spanish", "en": "english"}

_WORD = re.compile(r"[a-z0-9]+")
# Longer tokens are hashes, base64 or URLs: nobody searches for them.
MAX_TOKEN_LENGTH = 40

# Words that only glue a sentence together. They are removed before synonym
# phrases are matched, so "copia de seguridad" and "copias seguridad" meet.
FILLER_WORDS = frozenset(
    """
    a al ante con de del desde e el en entre la las le les lo los me mi mis nos o para por se
    su sus te tu tus u un una unos unas y yo que es son esta estan estaba muy ya
    an and at by for from in into it its my of on or our the their to your you we i this that
    these those with is are was were be very just
    """.split()  # noqa: SIM905 - a word list reads better as text
)
# Words too common to tell articles apart. Removed after phrases are matched,
# so "correo no deseado" still means spam.
STOP_WORDS = FILLER_WORDS | frozenset(
    """
    algo algun alguna alguno algunos ahora asi aun cada como cual cuando cuanto donde ella
    ellos era es esa ese eso esta estaba estan estar este esto estos fue ha hace han has hay
    he hola gracias favor buenas buenos dias tardes noches saludos cordial atentamente mas muy
    mucho mucha ni no otra otro otros pero poco porque pues puede pueden puedo poder quiero
    necesito sea ser si sido sin sobre solo son soy tambien tengo tiene tienen todo toda todos
    todas tan tanto usted ustedes ya usar uso ver veo vez hacer hago hice sale salen aparece
    aparecen dice muestra
    about after all also am any are as be been before but can cannot could did do does doing
    done dont get gets got had has have having he her here hi hello his how if is just more
    most much need not now off only other please regards she should so some such than thanks
    then there they too very was were what when where which while who why will would yes
    """.split()  # noqa: SIM905
)


def fold(text: str) -> str:
    """Lowercase ``text`` and strip accents: "Contraseña" → "contrasena"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class _FoldOneChar(dict[int, str]):
    """str.translate table folding each character to exactly one character."""

    def __missing__(self, code: int) -> str:
        folded = fold(chr(code))
        self[code] = folded[0] if folded else chr(code)
        return self[code]


_FOLD_ONE_CHAR = _FoldOneChar()


def fold_in_place(text: str) -> str:
    """Like ``fold`` but keeping every character's position ("ß" becomes "s"),
    so matches in the folded text point at the same places in ``text``."""
    return text.translate(_FOLD_ONE_CHAR)


def normalise_word(word: str) -> str:
    """Undo spellings a stemmer does not join: superlatives and "-iar" verbs.

    "lentísima" → "lento"; "bloquiaron" is left to typo correction, because
    "-iar" is also a real ending ("copiar").
    """
    for ending in ("isimos", "isimas", "isimo", "isima"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)] + "o"
    return word


def words(text: str) -> list[str]:
    """The folded, normalised words of ``text`` (filler and stop words included)."""
    return [
        normalise_word(word)
        for word in _WORD.findall(fold(text))
        if len(word) <= MAX_TOKEN_LENGTH and (len(word) > 1 or word.isdigit())
    ]


_local = threading.local()


def _stemmer(language: str) -> snowballstemmer.stemmer:
    # Snowball stemmer objects keep state while they work: one per thread.
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(_STEMMER_NAMES[language])
    return stemmers[language]


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    """The Snowball stem of a folded word; numbers and short words are kept whole."""
    if len(word) <= 3 or any(char.isdigit() for char in word):
        return word
    return fold(_stemmer(language).stemWord(word))


def stems(word: str) -> frozenset[str]:
    """Both languages' stems of a word (queries may be in either language)."""
    return frozenset(stem(word, language) for language in LANGUAGES)


def is_concept(token: str) -> bool:
    return token.startswith(CONCEPT_PREFIX)


# --- Synonym phrases ----------------------------------------------------------


def phrase_key(word: str) -> str:
    """How synonym phrases compare words: exactly, except for a plural "s" and
    Spanish gender ("bloqueadas" = "bloqueado"). Stems would be too loose
    here: Spanish "registrar" and "registro" share one."""
    if len(word) > 3 and word.endswith("s"):
        word = word[:-1]
    if len(word) > 3 and word.endswith("a"):
        word = word[:-1] + "o"
    return word


@dataclass(frozen=True)
class _Phrase:
    keys: tuple[str, ...]
    concepts: frozenset[str]


def _phrase_words(phrase: str) -> list[str]:
    return [word for word in words(phrase) if word not in FILLER_WORDS]


@lru_cache(maxsize=1)
def _phrase_index() -> dict[str, list[_Phrase]]:
    """Phrases by the key of their first word."""
    concepts_by_phrase: dict[tuple[str, ...], set[str]] = {}
    for concept, phrases in SYNONYMS.items():
        for phrase in phrases:
            keys = tuple(phrase_key(word) for word in _phrase_words(phrase))
            if keys:
                concepts_by_phrase.setdefault(keys, set()).add(CONCEPT_PREFIX + concept)
    index: dict[str, list[_Phrase]] = {}
    for keys, concepts in concepts_by_phrase.items():
        index.setdefault(keys[0], []).append(_Phrase(keys, frozenset(concepts)))
    return index


@lru_cache(maxsize=1)
def all_concept_tokens() -> frozenset[str]:
    """Every concept token the synonym table can emit."""
    return frozenset(CONCEPT_PREFIX + concept for concept in SYNONYMS)


@lru_cache(maxsize=50_000)
def concepts_of_word(word: str) -> frozenset[str]:
    """The concepts a single word stands for on its own ("junk" → spam)."""
    found: set[str] = set()
    for phrase in _phrase_index().get(phrase_key(word), []):
        if len(phrase.keys) == 1:
            found |= phrase.concepts
    return frozenset(found)


@lru_cache(maxsize=1)
def _synonym_keys() -> frozenset[str]:
    return frozenset(key for phrases in _phrase_index().values() for p in phrases for key in p.keys)


def knows_word(word: str) -> bool:
    """Whether the synonym table knows ``word`` (such words are never "corrected")."""
    return phrase_key(word) in _synonym_keys()


@dataclass(frozen=True)
class PhraseMatch:
    start: int  # index in the content-word list
    length: int
    concepts: frozenset[str]


def match_phrases(content_words: list[str]) -> list[PhraseMatch]:
    """Every synonym phrase found in ``content_words`` (filler already removed).

    Overlapping phrases all count: "correo no deseado" is both "email"
    and "spam".
    """
    index = _phrase_index()
    keys = [phrase_key(word) for word in content_words]
    matches = []
    for start, first in enumerate(keys):
        for phrase in index.get(first, []):
            end = start + len(phrase.keys)
            if tuple(keys[start:end]) == phrase.keys:
                matches.append(PhraseMatch(start, len(phrase.keys), phrase.concepts))
    return matches


# --- Documents ----------------------------------------------------------------


def analyse(text: str, language: str) -> list[str]:
    """The index tokens of ``text`` written in ``language``: stems plus concepts."""
    content = [word for word in words(text) if word not in FILLER_WORDS]
    tokens = [stem(word, language) for word in content if word not in STOP_WORDS]
    for match in match_phrases(content):
        tokens.extend(sorted(match.concepts))
    return tokens


def vocabulary(texts: Iterable[str]) -> set[str]:
    """The distinct searchable words of ``texts`` (what typo correction may suggest)."""
    return {
        word
        for text in texts
        for word in words(text)
        if word not in STOP_WORDS and not word.isdigit() and len(word) >= 3
    }


# --- Queries ------------------------------------------------------------------


@dataclass
class QueryWord:
    """One word of a query and the index tokens that count as finding it."""

    word: str
    tokens: set[str]
    concepts: frozenset[str]
    partial: bool = False  # the last word while the user is still typing


@dataclass
class AnalysedQuery:
    words: list[QueryWord] = field(default_factory=list)
    # Concepts of multi-word phrases ("correo no deseado"), one group each.
    phrase_concepts: list[frozenset[str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.words and not self.phrase_concepts


# A ticket description can be long; its first words say what it is about.
MAX_QUERY_WORDS = 32


def analyse_query(text: str) -> AnalysedQuery:
    """Split a query into words, each with its stems in both languages.

    The last word is marked partial unless the text ends with a space, so the
    search can complete it ("contras" → "contraseña").
    """
    content = [word for word in words(text) if word not in FILLER_WORDS][:MAX_QUERY_WORDS]
    query = AnalysedQuery()
    ends_mid_word = bool(text) and not text[-1].isspace()
    for position, word in enumerate(content):
        if word in STOP_WORDS:
            continue
        query.words.append(
            QueryWord(
                word=word,
                tokens=set(stems(word)),
                concepts=concepts_of_word(word),
                partial=ends_mid_word and position == len(content) - 1,
            )
        )
    query.phrase_concepts = [match.concepts for match in match_phrases(content) if match.length > 1]
    return query


# --- Typo tolerance -----------------------------------------------------------

# Spellings people confuse in Spanish: "sertificado", "bloquiaron", "vaner".
_CONFUSIONS = [
    ("ia", "ea"),
    ("ea", "ia"),
    ("s", "c"),
    ("c", "s"),
    ("z", "s"),
    ("s", "z"),
    ("c", "z"),
    ("b", "v"),
    ("v", "b"),
    ("y", "ll"),
    ("ll", "y"),
    ("k", "c"),
    ("i", "y"),
    ("y", "i"),
]


def spelling_variants(word: str) -> set[str]:
    """Words one common Spanish misspelling away from ``word`` (and missing or extra "h")."""
    variants = set()
    for wrong, right in _CONFUSIONS:
        start = word.find(wrong)
        while start != -1:
            variants.add(word[:start] + right + word[start + len(wrong) :])
            start = word.find(wrong, start + 1)
    variants.add("h" + word)
    if word.startswith("h"):
        variants.add(word[1:])
    variants.discard(word)
    return variants


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (transpositions count as one edit).

    Returns ``limit + 1`` as soon as the distance is known to exceed ``limit``.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_typos(word: str) -> int:
    """How many edits a word of this length may carry: none for short words,
    whose neighbours are different words ("ssl"/"ssh")."""
    if len(word) < 5:
        return 0
    return 1 if len(word) < 8 else 2


def trigrams(word: str) -> list[str]:
    return [word[i : i + 3] for i in range(len(word) - 2)]
