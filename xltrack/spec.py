"""The template definition: the five tables' columns, types, labels and allowed values.

`load_spec()` reads a YAML file from `workbook_templates/` (or a team's own file)
and validates it into frozen dataclasses. The writer, the reader and the checks
all speak of tables and columns by the keys defined here.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

from xltrack.errors import SpecError
from xltrack.xmlnames import xml_safe

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")

COLUMN_TYPES = frozenset(
    {"id", "text", "date", "date_range", "number", "money", "percent", "count", "enum", "flag"}
)
TABLE_KINDS = frozenset({"form", "list"})
# The five tables every workbook has (plus the goals and budget blocks of table 1).
REQUIRED_TABLES = ("campaign", "goals", "budget_split", "tasks", "daily", "issues", "evaluation")
#: The five tables themselves (table 1 is a form).
MAIN_TABLES = ("campaign", "tasks", "daily", "issues", "evaluation")
#: Tables of records, the blocks of table 1 included (each a DataFrame in CampaignFrames).
LIST_TABLES = ("goals", "budget_split", "tasks", "daily", "issues", "evaluation")
#: Tables with a sheet of their own besides table 1's.
LIST_SHEETS = ("tasks", "daily", "issues", "evaluation")
#: The hidden sheet stamping a generated workbook with its template and language.
STAMP_SHEET = "_xltrack"
# Derived columns the code knows how to recompute (xltrack/derive.py); a template
# may drop them but cannot invent new ones, since the reader could not check them.
KNOWN_FORMULAS = frozenset(
    {
        "budget_split.amount",
        "budget_split.remaining",
        "budget_split.used",
        "budget_split.variance",
        "tasks.duration_days",
        "tasks.days_late",
        "tasks.overdue",
        "daily.rate",
        "daily.light",
        "daily.cum_target",
        "daily.cum_actual",
        "issues.age_days",
        "issues.sla_breach",
        "issues.response_breach",
        "evaluation.rate",
    }
)

_DEFAULT_TEMPLATE = "campaign.yaml"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([A-Za-z_.]+))?\}")


@dataclass(frozen=True)
class Text:
    """A label in each supported language."""

    en: str
    zh: str

    def __call__(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class EnumValue:
    key: str
    label: Text
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a table (or one field of a form)."""

    key: str
    type: str
    label: Text
    aliases: tuple[str, ...] = ()
    required: bool = False
    enum: str | None = None
    open_enum: bool = False  # other values are allowed (a team's own phases)
    width: float | None = None
    formula: str | None = None
    splits_into: tuple[str, ...] = ()  # a date_range column fills two date columns
    # Meaning words: a header naming one word of every group names this column
    # ("Found On", "Date reported", "發現日期" -> found_date), with less certainty than a label.
    words: tuple[tuple[str, ...], ...] = ()
    # What cannot be computed without this column (a `column-missing` finding says so).
    needed_for: Text | None = None
    # A date whose time of day counts (the 24 h / 48 h rules): read as a datetime when
    # a time is typed; a date alone is its midnight, as in the workbook's formulas.
    timed: bool = False

    @property
    def parse_as(self) -> str:
        """The cell parser's kind: the type, or `moment` for a timed date."""
        return "moment" if self.timed and self.type == "date" else self.type

    @property
    def is_input(self) -> bool:
        """True for cells people type into; False for formula columns."""
        return self.formula is None

    @property
    def formula_inputs(self) -> tuple[str, ...]:
        """The columns this column's formula reads ({share} in share x Budget)."""
        return tuple(_formula_refs(self.formula))

    @property
    def is_virtual(self) -> bool:
        """A reader-only column (a start-end range in one cell) the writer never lays out."""
        return bool(self.splits_into)


@dataclass(frozen=True)
class TableSpec:
    key: str
    kind: str
    title: Text
    columns: tuple[ColumnSpec, ...]
    sheet: Text | None = None
    sheet_of: str | None = None  # blocks that live on another table's sheet

    def column(self, key: str) -> ColumnSpec:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(f"{self.key} has no column {key!r}")

    @property
    def laid_out(self) -> tuple[ColumnSpec, ...]:
        """The columns the writer puts on the sheet, in order."""
        return tuple(c for c in self.columns if not c.is_virtual)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.laid_out)


@dataclass(frozen=True)
class Rules:
    green_at: float = 0.9
    yellow_at: float = 0.8
    issue_solution_hours: float = 48
    issue_response_hours: float = 24
    budget_line_over: float = 0.15
    budget_over: float = 0.05
    budget_near_cap: float = 0.9
    budget_near_cap_days_left: float = 0.2
    roi_low: float = 1.0
    roi_high: float = 3.0


@dataclass(frozen=True)
class Spec:
    """A validated template definition."""

    id: str
    version: int
    title: Text
    enums: dict[str, tuple[EnumValue, ...]]
    tables: dict[str, TableSpec]
    labels: dict[str, Text]
    rules: Rules = field(default_factory=Rules)
    source: str = ""
    # A team's metric names that mean one metric: alias (as written) -> the name shown.
    metrics: dict[str, str] = field(default_factory=dict)
    # Names of the metrics whose actuals are revenue (channel ROI = revenue / spend).
    revenue: tuple[str, ...] = ()

    def table(self, key: str) -> TableSpec:
        return self.tables[key]

    def enum_label(self, enum: str, key: str, lang: Lang) -> str:
        for value in self.enums[enum]:
            if value.key == key:
                return value.label(lang)
        raise KeyError(f"enum {enum} has no value {key!r}")

    def enum_labels(self, enum: str, lang: Lang) -> list[str]:
        return [v.label(lang) for v in self.enums[enum]]

    def label(self, key: str, lang: Lang) -> str:
        return self.labels[key](lang)


def default_template_path() -> Path:
    """Where the built-in template lives (inside the package once installed)."""
    here = Path(__file__).resolve().parent
    for folder in (here / "workbook_templates", here.parent / "workbook_templates"):
        if (folder / _DEFAULT_TEMPLATE).is_file():
            return folder / _DEFAULT_TEMPLATE
    raise SpecError(f"built-in template {_DEFAULT_TEMPLATE} is missing from the installation")


@lru_cache(maxsize=8)
def _load_cached(path: str) -> Spec:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"{path}: cannot read template: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: not valid YAML: {exc}") from exc
    if isinstance(data, dict) and "extends" in data:
        data = _extend(data, Path(path))
    _refuse_controls(data, path)
    return parse_spec(data, source=path)


def _refuse_controls(data: Any, path: str, where: str = "") -> None:
    """A template's words become sheet names, table headers and chart titles, which
    cannot hold the control characters XML 1.0 forbids: refuse them by name."""
    if isinstance(data, dict):
        for key, value in data.items():
            _refuse_controls(key, path, where)
            _refuse_controls(value, path, f"{where}.{key}" if where else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            _refuse_controls(value, path, f"{where}[{i}]")
    elif isinstance(data, str) and xml_safe(data) != data:
        bad = next(c for c in data if xml_safe(c) != c)
        raise SpecError(
            f"{path}: {where or 'a key'}: control character U+{ord(bad):04X} "
            "cannot go into a workbook"
        )


def _extend(team: dict[str, Any], path: Path, depth: int = 0) -> dict[str, Any]:
    """A team's template on top of another: its own header names, value words and rules.

    extends: builtin                 # or another template file, relative to this one
    headers: {issues.found_date: [Logged, 登记于]}
    values: {resolution.resolved: [Parked, 搁置]}
    rules: {green_at: 0.95}
    metrics: {销售额: [Sales, Revenue, GMV]}   # names of one metric
    """
    if depth > 4:
        raise SpecError(f"{path}: 'extends' goes more than 4 templates deep")
    base_name = team["extends"]
    if not isinstance(base_name, str):
        raise SpecError(f"{path}: extends must name 'builtin' or a template file")
    base_path = default_template_path() if base_name == "builtin" else (path.parent / base_name)
    try:
        base = yaml.safe_load(base_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(
            f"{path}: cannot read the template it extends ({base_path}): {exc}"
        ) from exc
    if isinstance(base, dict) and "extends" in base:
        base = _extend(base, base_path, depth + 1)
    if not isinstance(base, dict):
        raise SpecError(f"{base_path}: a template is a mapping")
    merged = copy.deepcopy(base)
    for key in ("id", "version", "title"):
        if key in team:
            merged[key] = team[key]
    merged["rules"] = {**(merged.get("rules") or {}), **(team.get("rules") or {})}
    merged["labels"] = {**(merged.get("labels") or {}), **(team.get("labels") or {})}
    merged["metrics"] = {**(merged.get("metrics") or {}), **(team.get("metrics") or {})}
    if "revenue" in team:
        merged["revenue"] = team["revenue"]
    for ref, names in _mapping(team, "headers", path).items():
        table, _, column = ref.partition(".")
        columns = (merged.get("tables", {}).get(table) or {}).get("columns") or []
        target = next((c for c in columns if isinstance(c, dict) and c.get("key") == column), None)
        if target is None:
            raise SpecError(f"{path}: headers: no column {ref!r} in the template it extends")
        target["aliases"] = [*(target.get("aliases") or []), *_names(names, path, ref)]
    for ref, names in _mapping(team, "values", path).items():
        enum, _, key = ref.partition(".")
        values = (merged.get("enums") or {}).get(enum) or []
        target = next((v for v in values if isinstance(v, dict) and v.get("key") == key), None)
        if target is None:
            raise SpecError(f"{path}: values: no value {ref!r} in the template it extends")
        target["aliases"] = [*(target.get("aliases") or []), *_names(names, path, ref)]
    return dict(merged)


def _mapping(team: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = team.get(key) or {}
    if not isinstance(value, dict):
        raise SpecError(f"{path}: {key} must map table.column (or enum.value) to a list of words")
    return value


def _names(value: Any, path: Path, ref: str) -> list[str]:
    if not isinstance(value, list) or any(
        isinstance(v, (bool, dict, list)) or v is None for v in value
    ):
        raise SpecError(f"{path}: {ref}: a list of words (quote yes/no/on/off)")
    return [str(v) for v in value]


def load_spec(path: str | Path | None = None) -> Spec:
    """Load and validate a template definition.

    Args:
        path: a YAML template file; the built-in template when None.

    Returns:
        The validated `Spec`.

    Raises:
        SpecError: the file cannot be read or does not describe the five tables.
    """
    target = Path(path) if path is not None else default_template_path()
    return _load_cached(str(target.resolve()))


def _where(source: str, where: str) -> str:
    return f"{Path(source).name if source else 'template'}: {where}"


def _text(value: Any, source: str, where: str) -> Text:
    if isinstance(value, str):
        return Text(value, value)
    if not isinstance(value, dict) or not all(isinstance(value.get(k), str) for k in LANGS):
        raise SpecError(_where(source, f"{where} needs an 'en' and a 'zh' text"))
    return Text(value["en"], value["zh"])


def _aliases(value: Any, source: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise SpecError(_where(source, f"{where}.aliases must be a list"))
    return tuple(str(v) for v in value)


def _words(value: Any, source: str, where: str) -> tuple[tuple[str, ...], ...]:
    """`words`: a list of groups (lists of alternatives); a flat list is one group."""
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        raise SpecError(_where(source, f"{where}.words must be a non-empty list"))
    groups = value if all(isinstance(g, list) for g in value) else [value]
    if not all(g and all(isinstance(w, (str, int)) for w in g) for g in groups):
        raise SpecError(_where(source, f"{where}.words: each group is a list of words"))
    if any(isinstance(w, bool) for g in groups for w in g):
        # YAML 1.1 reads bare on/off/yes/no as booleans.
        raise SpecError(_where(source, f"{where}.words: quote on/off/yes/no"))
    return tuple(tuple(str(w) for w in g) for g in groups)


def _enum(name: str, values: Any, source: str) -> tuple[EnumValue, ...]:
    if not isinstance(values, list) or not values:
        raise SpecError(_where(source, f"enum {name} needs a non-empty list of values"))
    parsed = []
    for i, item in enumerate(values):
        where = f"enums.{name}[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            raise SpecError(_where(source, f"{where} needs a key"))
        parsed.append(
            EnumValue(
                item["key"],
                _text(item.get("label"), source, where + ".label"),
                _aliases(item.get("aliases"), source, where),
            )
        )
    keys = [v.key for v in parsed]
    if len(set(keys)) != len(keys):
        raise SpecError(_where(source, f"enum {name} repeats a key"))
    return tuple(parsed)


def _column(table: str, item: Any, enums: dict[str, Any], source: str, i: int) -> ColumnSpec:
    where = f"tables.{table}.columns[{i}]"
    if not isinstance(item, dict) or not isinstance(item.get("key"), str):
        raise SpecError(_where(source, f"{where} needs a key"))
    key = item["key"]
    where = f"tables.{table}.{key}"
    ctype = item.get("type", "text")
    if ctype not in COLUMN_TYPES:
        allowed = ", ".join(sorted(COLUMN_TYPES))
        raise SpecError(_where(source, f"{where}: unknown type {ctype!r} (one of {allowed})"))
    enum = item.get("enum")
    if ctype == "enum" and enum not in enums:
        raise SpecError(_where(source, f"{where}: enum column names no known enum ({enum!r})"))
    formula = item.get("formula")
    if formula is not None:
        if f"{table}.{key}" not in KNOWN_FORMULAS:
            raise SpecError(
                _where(source, f"{where}: formula columns are limited to the built-in ones")
            )
        if not isinstance(formula, str) or not formula.startswith("="):
            raise SpecError(_where(source, f"{where}: a formula must be text starting with '='"))
    width = item.get("width")
    if width is not None and not isinstance(width, (int, float)):
        raise SpecError(_where(source, f"{where}: width must be a number"))
    return ColumnSpec(
        key=key,
        type=ctype,
        label=_text(item.get("label"), source, where + ".label"),
        aliases=_aliases(item.get("aliases"), source, where),
        required=bool(item.get("required", False)),
        enum=enum,
        open_enum=bool(item.get("open", False)),
        width=float(width) if width is not None else None,
        formula=formula,
        splits_into=tuple(item.get("splits_into") or ()),
        timed=bool(item.get("time", False)),
        words=_words(item.get("words"), source, where),
        needed_for=(
            _text(item["needed_for"], source, where + ".needed_for")
            if "needed_for" in item
            else None
        ),
    )


def _table(key: str, item: Any, enums: dict[str, Any], source: str) -> TableSpec:
    if not isinstance(item, dict):
        raise SpecError(_where(source, f"tables.{key} must be a mapping"))
    kind = item.get("kind", "list")
    if kind not in TABLE_KINDS:
        raise SpecError(_where(source, f"tables.{key}: kind must be form or list"))
    raw_columns = item.get("columns")
    if not isinstance(raw_columns, list) or not raw_columns:
        raise SpecError(_where(source, f"tables.{key} needs a list of columns"))
    columns = tuple(_column(key, c, enums, source, i) for i, c in enumerate(raw_columns))
    keys = [c.key for c in columns]
    if len(set(keys)) != len(keys):
        raise SpecError(_where(source, f"tables.{key} repeats a column key"))
    for col in columns:
        for ref in _formula_refs(col.formula):
            if ref not in keys:
                raise SpecError(
                    _where(source, f"tables.{key}.{col.key}: formula refers to unknown {ref!r}")
                )
        for target in col.splits_into:
            if target not in keys:
                raise SpecError(
                    _where(source, f"tables.{key}.{col.key}: splits into unknown {target!r}")
                )
    sheet = item.get("sheet")
    sheet_of = item.get("sheet_of")
    if sheet is None and sheet_of is None:
        raise SpecError(_where(source, f"tables.{key} needs a sheet or sheet_of"))
    return TableSpec(
        key=key,
        kind=kind,
        title=_text(item.get("title", key), source, f"tables.{key}.title"),
        columns=columns,
        sheet=_text(sheet, source, f"tables.{key}.sheet") if sheet is not None else None,
        sheet_of=sheet_of,
    )


def _formula_refs(formula: str | None) -> list[str]:
    """Column keys a formula template refers to as {key} or {table:key}."""
    if not formula:
        return []
    refs = []
    for name, arg in _PLACEHOLDER.findall(formula):
        if name == "table" and arg:
            refs.append(arg)
        elif not arg:
            refs.append(name)
    return refs


def parse_spec(data: Any, source: str = "") -> Spec:
    """Validate a template definition already parsed from YAML/JSON.

    Raises:
        SpecError: naming the first problem found and where it is.
    """
    if not isinstance(data, dict):
        raise SpecError(_where(source, "a template is a mapping with id, version, enums, tables"))
    template_id = data.get("id")
    version = data.get("version")
    if not isinstance(template_id, str) or not template_id:
        raise SpecError(_where(source, "id must be a non-empty text"))
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SpecError(_where(source, "version must be a positive whole number"))
    raw_enums = data.get("enums") or {}
    if not isinstance(raw_enums, dict):
        raise SpecError(_where(source, "enums must be a mapping"))
    enums = {name: _enum(name, values, source) for name, values in raw_enums.items()}
    raw_tables = data.get("tables")
    if not isinstance(raw_tables, dict):
        raise SpecError(_where(source, "tables must be a mapping"))
    missing = [t for t in REQUIRED_TABLES if t not in raw_tables]
    if missing:
        raise SpecError(_where(source, f"tables missing: {', '.join(missing)}"))
    tables = {key: _table(key, item, enums, source) for key, item in raw_tables.items()}
    for table in tables.values():
        if table.sheet_of is not None and table.sheet_of not in tables:
            raise SpecError(_where(source, f"tables.{table.key}: sheet_of names no table"))
    raw_labels = data.get("labels") or {}
    labels = {k: _text(v, source, f"labels.{k}") for k, v in raw_labels.items()}
    raw_rules = data.get("rules") or {}
    try:
        rules = Rules(**{k: float(v) for k, v in raw_rules.items()})
    except (TypeError, ValueError) as exc:
        raise SpecError(_where(source, f"rules: {exc}")) from exc
    raw_metrics = data.get("metrics") or {}
    if not isinstance(raw_metrics, dict):
        raise SpecError(_where(source, "metrics maps a metric's name to its other names"))
    metrics = {
        str(alias): str(name)
        for name, aliases in raw_metrics.items()
        for alias in (name, *_aliases(aliases, source, f"metrics.{name}"))
    }
    return Spec(
        id=template_id,
        version=version,
        title=_text(data.get("title", template_id), source, "title"),
        enums=enums,
        tables=tables,
        labels=labels,
        rules=rules,
        source=source,
        metrics=metrics,
        revenue=_aliases(data.get("revenue"), source, "revenue"),
    )
