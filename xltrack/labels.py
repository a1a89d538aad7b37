"""Header and enum text to spec keys, in English, Simplified and Traditional Chinese.

People type headers and statuses in many shapes: full-width characters, extra
spaces, `进度状态(未开始/进行中/已完成/滞后)` with the source's hint in brackets,
`進度狀態` in Traditional Chinese, `Status:` with a colon. `fold()` brings all of
them to one comparable form; `HeaderIndex` maps folded headers to column keys of
each table, and `EnumIndex` maps a cell value to an enum key (`滞后1天` -> delayed).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from xltrack.cells import split_unit
from xltrack.spec import Spec, TableSpec

_T2S_FILE = Path(__file__).with_name("t2s.txt")
# Brackets people use for hints after a header: half- and full-width, CJK lenticular.
_HINT = re.compile(r"[(\[{【〔（［｛<《][^)\]}】〕）］｝>》]*[)\]}】〕）］｝>》]?")
# Everything that is not a letter, a digit or a CJK ideograph is noise in a label.
_NOISE = re.compile(r"[^\w]|_", re.UNICODE)
_LATIN_END = re.compile(r"[a-z]$")
_LATIN_START = re.compile(r"^[a-z]")


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for line in _T2S_FILE.read_text(encoding="utf-8").splitlines():
        if len(line) == 2 and not line.startswith("#"):
            table[ord(line[0])] = line[1]
    return table


def to_simplified(text: str) -> str:
    """Traditional Chinese characters to Simplified, one character at a time."""
    return text.translate(_t2s_table())


@lru_cache(maxsize=65536)
def fold(text: str, keep_hints: bool = True) -> str:
    """The comparable form of a label: width, case, script, spaces and punctuation folded.

    Args:
        text: a header or value as typed.
        keep_hints: when False, bracketed hints (`(未开始/进行中)`) are dropped first.

    Returns:
        Lower-case Simplified text of letters, digits and ideographs only.
    """
    folded = unicodedata.normalize("NFKC", text)
    if not keep_hints:
        folded = _HINT.sub("", folded)
    folded = to_simplified(folded).casefold()
    return _NOISE.sub("", folded)


def _words(text: str) -> str:
    """Like `fold` but keeping one space between words, for prefix matching."""
    folded = to_simplified(unicodedata.normalize("NFKC", text)).casefold()
    return " ".join(_NOISE.sub(" ", folded).split())


_HEADER_SIGNS = str.maketrans({"#": " no ", "＃": " no ", "%": " pct ", "％": " pct "})


def _forms(text: str) -> list[str]:
    """The folded forms a header may match by: as written, then without hints."""
    # Folding drops punctuation, but in a header `#` and `%` carry meaning:
    # "Issue #" is the issue number (not the issue), "% of goal" a rate.
    text = text.translate(_HEADER_SIGNS)
    forms = [fold(text)]
    bare = fold(text, keep_hints=False)
    if bare and bare != forms[0]:
        forms.append(bare)
    return [f for f in forms if f]


_SEEN_LIMIT = 20_000

#: How sure a header match is, by how it matched: a label as written, an alias,
#: or the column's meaning words (more groups named = more specific).
LABEL, ALIAS, WORDS = "label", "alias", "words"
_SCORES = {LABEL: 1.0, ALIAS: 0.9}
_CJK = re.compile(r"[\u3400-\u9fff]")


def _word_score(groups: int) -> float:
    # Below an alias (0.9) however many groups: a word match is a guess, said as one.
    return min(0.5 + 0.1 * groups, 0.8)


@dataclass(frozen=True)
class HeaderMatch:
    """One header cell recognised as (possibly) a column of a table."""

    table: str
    key: str
    how: str  # LABEL | ALIAS | WORDS
    score: float

    @property
    def exact(self) -> bool:
        """Matched a label as written (not an alias or meaning words)."""
        return self.how == LABEL


# A table's title: "表2 任务分解与责任跟踪表", "表4：問題記錄表", "Table 4 · Issue log".
_TITLE = re.compile(r"^(?:表\s*\d|table\s*\d)|表$")
_MAX_HEADER_WORDS = 6
_MAX_HEADER_IDEOGRAPHS = 10


def looks_like_title(text: str) -> bool:
    """A table's title, in any script or width: it names columns only by chance."""
    return bool(_TITLE.search(_words(text)))


def _header_sized(words: str) -> bool:
    # Headers are short, and a title is no header.
    if _TITLE.search(words):
        return False
    ideographs = len(_CJK.findall(words))
    return ideographs <= _MAX_HEADER_IDEOGRAPHS and len(words.split()) <= _MAX_HEADER_WORDS


class _Meaning:
    """A column's meaning words, folded: Latin words match whole words, CJK ones anywhere."""

    def __init__(self, key: str, groups: tuple[tuple[str, ...], ...]) -> None:
        self.key = key
        self.groups = tuple(tuple(_words(w) for w in group if _words(w)) for group in groups)

    def end(self, spaced: str, solid: str) -> float | None:
        """Where in the header the last named word ends (0..1), or None unless every group is named.

        Headers are head-final in English and Chinese ("Task owner", "任务负责人" name
        an owner): of two columns a header names, the later word breaks the tie.
        """
        last = 0.0
        for group in self.groups:
            ends = [_word_end(spaced, solid, w) for w in group]
            hits = [e for e in ends if e is not None]
            if not hits:
                return None
            last = max(last, max(hits))
        return last


def _word_end(spaced: str, solid: str, word: str) -> float | None:
    if _CJK.search(word):
        at = solid.rfind(word.replace(" ", ""))
        return None if at < 0 else (at + len(word.replace(" ", ""))) / max(len(solid), 1)
    at = spaced.rfind(f" {word} ")
    return None if at < 0 else (at + len(word) + 1) / max(len(spaced) - 1, 1)


class HeaderIndex:
    """Folded header text -> column key, per table of a spec."""

    def __init__(self, spec: Spec) -> None:
        self._by_table: dict[str, dict[str, tuple[str, bool]]] = {}
        self._meanings: dict[str, list[_Meaning]] = {}
        # Header text -> matches: a batch meets the same few hundred header texts in
        # every workbook, and folding one costs more than the lookup.
        self._seen: dict[str, tuple[HeaderMatch, ...]] = {}
        self.raw_names: set[str] = set()  # labels and aliases as written, case-folded
        for table in spec.tables.values():
            self._by_table[table.key] = _table_names(table)
            self._meanings[table.key] = [_Meaning(c.key, c.words) for c in table.columns if c.words]
            for col in table.columns:
                for text in (col.label.en, col.label.zh, *col.aliases):
                    self.raw_names.add(text.strip().casefold())

    def match(self, table: str, header: str) -> tuple[str, bool] | None:
        """The column key `header` names in `table` by label or alias, and whether it was a label.

        Args:
            table: a table key of the spec.
            header: the header text as typed.

        Returns:
            (column key, exact) or None when the header names no column that way.
        """
        names = self._by_table[table]
        for form in _forms(header):
            hit = names.get(form)
            if hit is not None:
                return hit
        return None

    def candidates(self, table: str, header: str) -> list[HeaderMatch]:
        """Every column of `table` that `header` may name, surest first.

        A label or alias as written is one candidate; otherwise every column whose
        meaning words the header names ("Found On" -> found_date; "Resolution
        Status" -> resolution) is one, the most specific first.
        """
        hit = self.match(table, header)
        if hit is not None:
            how = LABEL if hit[1] else ALIAS
            return [HeaderMatch(table, hit[0], how, _SCORES[how])]
        meanings = self._meanings[table]
        if not meanings:
            return []
        bare = _words(_HINT.sub("", header.translate(_HEADER_SIGNS))) or _words(header)
        if not _header_sized(bare):
            return []
        spaced, solid = f" {bare} ", bare.replace(" ", "")
        found = []
        for meaning in meanings:
            end = meaning.end(spaced, solid) if meaning.groups else None
            if end is not None:
                score = _word_score(len(meaning.groups)) + 0.05 * end
                found.append(HeaderMatch(table, meaning.key, WORDS, round(score, 4)))
        return sorted(found, key=lambda h: -h.score)

    def match_any(self, header: str) -> tuple[HeaderMatch, ...]:
        """Every table column that `header` may name (see `candidates`)."""
        found = self._seen.get(header)
        if found is None:
            found = tuple(h for table in self._by_table for h in self.candidates(table, header))
            if len(self._seen) >= _SEEN_LIMIT:  # bounded: free text is unbounded
                self._seen.clear()
            self._seen[header] = found
        return found


def _table_names(table: TableSpec) -> dict[str, tuple[str, bool]]:
    names: dict[str, tuple[str, bool]] = {}
    # Aliases first so that labels, added last, win a clash within the table.
    for col in table.columns:
        for alias in col.aliases:
            for form in _forms(alias)[:1]:
                names.setdefault(form, (col.key, False))
    for col in table.columns:
        for text in (col.label.en, col.label.zh, col.key, col.key.replace("_", " ")):
            for form in _forms(text):
                names[form] = (col.key, True)
    return names


_CACHE: dict[tuple[int, str], tuple[Spec, object]] = {}


def _cached(spec: Spec, kind: str, build: Callable[[Spec], object]) -> object:
    # Spec holds dicts, so it is not hashable: cache by identity, keeping it alive.
    hit = _CACHE.get((id(spec), kind))
    if hit is None or hit[0] is not spec:
        hit = (spec, build(spec))
        _CACHE[(id(spec), kind)] = hit
    return hit[1]


def header_index(spec: Spec) -> HeaderIndex:
    """The (cached) header index of a spec."""
    index = _cached(spec, "header", HeaderIndex)
    assert isinstance(index, HeaderIndex)
    return index


class EnumIndex:
    """Cell text -> enum key for each enum of a spec, synonyms and details included."""

    def __init__(self, spec: Spec) -> None:
        self._exact: dict[str, dict[str, str]] = {}
        self._prefixes: dict[str, list[tuple[str, str]]] = {}
        for name, values in spec.enums.items():
            exact: dict[str, str] = {}
            for value in values:
                for alias in value.aliases:
                    exact.setdefault(fold(alias), value.key)
            for value in values:
                for text in (value.label.en, value.label.zh, value.key):
                    exact[fold(text)] = value.key
            exact.pop("", None)
            self._exact[name] = exact
            # Longest first so that "未开始" wins over a shorter alias it starts with.
            words = {
                _words(text): value.key
                for value in values
                for text in (*value.aliases, value.label.en, value.label.zh)
            }
            self._prefixes[name] = sorted(words.items(), key=lambda kv: -len(kv[0]))

    def key(self, enum: str, raw: str) -> str | None:
        """The enum key `raw` stands for, or None.

        `滞后1天`, `Delayed (2 days)`, `已完成(提前)` match by their leading word; a
        one-letter English alias (`H`) matches only on its own.

        Args:
            enum: the enum name in the spec (task_status, severity, ...).
            raw: the cell text.

        Returns:
            The enum key, or None when the text names no value.
        """
        exact = self._exact[enum]
        for form in _forms(raw):
            hit = exact.get(form)
            if hit is not None:
                return hit
        whole = _words(raw)
        for name, key in self._prefixes[enum]:
            if len(name) < 2 or not whole.startswith(name) or whole == name:
                continue
            # "hold" must not read as "h"+"old": a Latin word must end where the alias ends.
            if _LATIN_END.search(name) and _LATIN_START.search(whole[len(name) :]):
                continue
            return key
        return None


def enum_index(spec: Spec) -> EnumIndex:
    """The (cached) enum index of a spec."""
    index = _cached(spec, "enum", EnumIndex)
    assert isinstance(index, EnumIndex)
    return index


def metric_key(name: object, spec: Spec) -> str:
    """The comparable identity of a metric name: "銷售額", "销售额 " and "销售额(万元)" are one.

    Script, width, case and a unit in brackets are folded; names the template lists
    as one metric (`metrics:`) share their first name's key, so "Sales" is "销售额"
    only where a team says so.
    """
    if not isinstance(name, str):
        return ""
    bare = split_unit(name)[0]
    canonical = _metric_names(spec).get(fold(bare))
    return fold(canonical) if canonical else fold(bare)


def metric_keys(names: Iterable[object], spec: Spec) -> list[str]:
    """`metric_key` of each name, computed once per distinct name (a column of them)."""
    names = list(names)
    known = {name: metric_key(name, spec) for name in set(names)}
    return [known[name] for name in names]


def _metric_names(spec: Spec) -> dict[str, str]:
    names = _cached(spec, "metrics", lambda s: {fold(a): n for a, n in s.metrics.items()})
    assert isinstance(names, dict)
    return names
