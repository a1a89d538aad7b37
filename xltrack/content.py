"""What fills a generated workbook: the source's example, or a caller's records, typed.

A caller gives each table as records keyed by column key or as a DataFrame with
those columns; `table_frame` types either with `frames.build_frame` and turns
enum labels (in any language) into keys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Union

import pandas as pd
import yaml

from xltrack.errors import SpecError
from xltrack.frames import build_frame, empty_frame, frame_from_records
from xltrack.spec import LANGS, LIST_TABLES, Lang, Spec, TableSpec, default_template_path

# A table's content: records keyed by column key, or a DataFrame with those columns.
Records = Union[Sequence[Mapping[str, Any]], pd.DataFrame]  # noqa: UP007 (runtime alias, py3.10)


def load_example(spec: Spec, lang: Lang) -> dict[str, Any]:
    """The source's example campaign (workbook_templates/example.yaml) in one language.

    Raises:
        SpecError: the example file is missing or malformed.
    """
    path = default_template_path().parent / "example.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"{path.name}: cannot load the example: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("campaign"), dict):
        raise SpecError(f"{path.name}: the example must be a mapping of tables")

    def pick(value: Any) -> Any:
        if isinstance(value, dict) and set(value) == set(LANGS):
            return value[lang]
        return value

    example: dict[str, Any] = {"campaign": {k: pick(v) for k, v in raw["campaign"].items()}}
    if isinstance(raw.get("as_of"), dt.date):
        example["as_of"] = raw["as_of"]
    for key in LIST_TABLES:
        example[key] = [{k: pick(v) for k, v in rec.items()} for rec in raw.get(key) or []]
    return example


def table_frame(spec: Spec, table: TableSpec, rows: Records | None) -> pd.DataFrame:
    """Typed frame (frames.py convention) of a table's records or DataFrame.

    Enum cells given as a label (in any language) become the enum key, so the
    formulas' cached values (computed on keys) agree with the labels written.
    """
    if rows is None:
        frame = empty_frame(table)
    elif isinstance(rows, pd.DataFrame):
        columns = {key: rows[key] for key in rows.columns if isinstance(key, str)}
        frame = build_frame(table, columns, [None] * len(rows))
    else:
        frame = frame_from_records(table, rows)
    for col in table.laid_out:
        if col.type == "enum" and col.enum and col.is_input:
            lookup = {v.key: v.key for v in spec.enums[col.enum]}
            for value in spec.enums[col.enum]:
                for lang in LANGS:
                    lookup.setdefault(value.label(lang), value.key)
            frame[col.key] = frame[col.key].map(
                lambda v, known=lookup: known.get(v, v), na_action="ignore"
            )
    return frame
