"""Findings: one problem in one place, as data. Messages are rendered, never stored."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from xltrack.codes import CODES
from xltrack.errors import ArgumentError


class Severity(enum.Enum):
    """How bad a finding is; ordered so that `--fail-on` can compare."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding points: file, sheet, 1-based Excel row, column letter, record ID."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    record_id: str | None = None

    @property
    def cell(self) -> str | None:
        if self.column and self.row:
            return f"{self.column}{self.row}"
        return None


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a workbook.

    Attributes:
        code: a stable kebab-case code from `codes.CODES`.
        severity: defaults to the code's severity.
        location: where it is.
        params: the facts behind it (plain JSON-able values), used by the message templates.
    """

    code: str
    location: Location = field(default_factory=Location)
    params: dict[str, Any] = field(default_factory=dict)
    severity: Severity | None = None

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ArgumentError(f"unknown finding code {self.code!r}")
        if self.severity is None:
            object.__setattr__(self, "severity", Severity(CODES[self.code].severity))

    @property
    def level(self) -> Severity:
        assert self.severity is not None  # set in __post_init__
        return self.severity

    def message(self, lang: str = "en") -> str:
        """The message in `lang` ("en" or "zh"), template keys shown as their labels.

        With the built-in template's labels; `messages.finding_message` takes a team's.
        """
        # messages imports this module, and loads the template only when a message is made.
        from xltrack.messages import finding_message

        return finding_message(self, "zh" if lang == "zh" else "en")

    def sort_key(self, sheet_order: dict[str, int] | None = None) -> tuple[Any, ...]:
        loc = self.location
        order = (sheet_order or {}).get(loc.sheet or "", 999)
        return (loc.file or "", order, loc.sheet or "", loc.row or 0, loc.column or "", self.code)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        loc = self.location
        return {
            "code": self.code,
            "severity": self.level.value,
            "sheet": loc.sheet,
            "row": loc.row,
            "column": loc.column,
            "id": loc.record_id,
            "message": self.message(lang),
            "params": dict(self.params),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], file: str | None = None) -> Finding:
        return cls(
            code=data["code"],
            severity=Severity(data["severity"]),
            location=Location(
                file=file,
                sheet=data.get("sheet"),
                row=data.get("row"),
                column=data.get("column"),
                record_id=data.get("id"),
            ),
            params=dict(data.get("params") or {}),
        )


def sort_findings(
    findings: list[Finding], sheet_order: dict[str, int] | None = None
) -> list[Finding]:
    """Deterministic order: file, sheet order, row, column, code."""
    return sorted(findings, key=lambda f: f.sort_key(sheet_order))


def count_by_severity(findings: list[Finding]) -> dict[str, int]:
    counts = {s.value: 0 for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)}
    for f in findings:
        counts[f.level.value] += 1
    return counts
