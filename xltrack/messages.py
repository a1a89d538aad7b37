"""A finding's message in en or zh, with the spec keys among its params shown as labels.

A check stores facts, not words: an issue's resolution is `in_progress`, a
missing column is `project_manager`. `codes.TERMS` says which params hold such
keys; here they become the template's labels in the message's language before
`codes.render_message` fills the template. Every place that shows a finding to
a person (the terminal, JSON, the summary sheet, the weekly report, the
portfolio) uses `finding_message`, so they all say the same thing.
"""

from __future__ import annotations

from typing import Any

from xltrack.codes import ALIASES, TERMS, render_message
from xltrack.findings import Finding
from xltrack.refusals import phrase_in
from xltrack.spec import Lang, Spec, load_spec

_LIST_SEPARATOR: dict[str, str] = {"en": ", ", "zh": "、"}


def finding_message(finding: Finding, lang: Lang = "en", spec: Spec | None = None) -> str:
    """The finding's message in `lang`, with spec keys shown as labels."""
    return render_message(finding.code, localised_params(finding, lang, spec), lang)


def localised_params(finding: Finding, lang: Lang, spec: Spec | None = None) -> dict[str, Any]:
    """The finding's params with spec keys replaced by their labels in `lang`."""
    terms = TERMS.get(ALIASES.get(finding.code, finding.code))
    if not terms:
        return dict(finding.params)
    spec = spec or load_spec()
    out = dict(finding.params)
    for name, vocabulary in terms.items():
        if name in out:
            vocabulary = vocabulary.replace("*", str(finding.params.get("table", "")))
            out[name] = _term(out[name], vocabulary, lang, spec)
    return out


def _term(value: Any, vocabulary: str, lang: Lang, spec: Spec) -> Any:
    kind, _, where = vocabulary.partition(":")
    if isinstance(value, list):
        terms = [str(_term(v, vocabulary, lang, spec)) for v in value]
        if lang == "en" and len(terms) > 1:  # "start date and end date", not "start, end"
            return ", ".join(terms[:-1]) + " and " + terms[-1]
        return _LIST_SEPARATOR[lang].join(terms)
    try:
        if kind == "enum":
            return _inline(spec.enum_label(where, str(value), lang))
        if kind == "column":
            return _inline(spec.table(where).column(str(value)).label(lang))
        if kind == "table":
            return spec.table(str(value)).title(lang)
        if kind == "enumname":  # an enum by the label of the column that holds it
            columns = (c for t in spec.tables.values() for c in t.columns if c.enum == value)
            holder = next(columns, None)
            return _inline(holder.label(lang)) if holder else value
        if kind == "phrase":  # the reader's own words: a value kind, an assumption
            return phrase_in(str(value), lang)
        if kind == "needs":
            needs = spec.table(where).column(str(value)).needed_for
            return needs(lang) if needs else value
    except KeyError:  # a key this spec does not know: show it as it is
        pass
    return value


def _inline(label: str) -> str:
    """A label inside a sentence: 'In progress' -> 'in progress'; 'KPI' and 处理中 unchanged."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label
