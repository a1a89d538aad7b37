"""A small evaluator for the everyday formulas people type into input cells.

Cached values cannot be trusted (files written by Python libraries carry none
or a fake 0), so the reader evaluates a formula typed into an input cell from
its inputs: cell and range references (other sheets too), + - * / ^ & and
comparisons, and SUM, AVERAGE, MIN, MAX, ROUND, IF, AND, OR, NOT, IFERROR,
COUNT, COUNTA, COUNTIF, SUMIF, ABS, DATE, TODAY (the as-of date). Anything else
raises `FormulaError`, which the reader turns into a `formula-unevaluated` finding.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xltrack.excel import column_letter, column_number, serial

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<str>"(?:[^"]|"")*")
    |(?P<ref>(?:(?:'(?:[^']|'')+'|[A-Za-z_\u0080-\uffff][\w.\u0080-\uffff]*)!)?
        \$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)(?![\w(])
    |(?P<num>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+)
    |(?P<func>[A-Za-z_][\w.]*)\s*\(
    |(?P<bool>TRUE|FALSE)\b
    |(?P<op><>|<=|>=|[-+*/^&=<>%(),])
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
_SHIFTABLE = re.compile(r"(\"(?:[^\"]|\"\")*\")|(\$?)([A-Z]{1,3})(\$?)(\d+)(?![\w(!])")


# Excel's own limits: 8,192 characters and 64 levels of nested functions.
MAX_FORMULA_CHARS = 8192
MAX_NESTING = 64


def _nesting(tokens: list[tuple[str, str]]) -> int:
    depth = deepest = 0
    for kind, text in tokens:
        if kind == "func" or text == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif text == ")":
            depth -= 1
    return deepest


class FormulaError(Exception):
    """A formula this evaluator does not understand (function, syntax, circularity)."""


@dataclass(frozen=True)
class ExcelError:
    """An Excel error value (#DIV/0!, #VALUE!, ...), which IFERROR catches."""

    name: str


# (sheet or None, column letters, row) -> value; (sheet, (c0, r0), (c1, r1)) -> values.
CellLookup = Callable[[str | None, str, int], Any]


def shift_formula(formula: str, rows: int, cols: int) -> str:
    """Move the relative references of a shared formula by rows/cols (for dependents)."""

    def move(hit: re.Match[str]) -> str:
        if hit.group(1):
            return hit.group(1)
        dollar_c, letters, dollar_r, digits = hit.group(2, 3, 4, 5)
        col = letters if dollar_c else column_letter(column_number(letters) + cols - 1)
        row = digits if dollar_r else str(int(digits) + rows)
        return f"{dollar_c}{col}{dollar_r}{row}"

    return _SHIFTABLE.sub(move, formula)


class _Parser:
    def __init__(self, text: str, lookup: CellLookup, today: dt.date | None) -> None:
        self.tokens = self._tokenize(text)
        self.pos = 0
        self.lookup = lookup
        self.today = today

    @staticmethod
    def _tokenize(text: str) -> list[tuple[str, str]]:
        tokens, pos = [], 0
        text = text.strip()
        while pos < len(text):
            hit = _TOKEN.match(text, pos)
            if hit is None or hit.end() == pos:
                raise FormulaError(f"cannot read {text[pos : pos + 12]!r}")
            kind = hit.lastgroup or ""
            tokens.append((kind, hit.group(kind)))
            pos = hit.end()
        return tokens

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise FormulaError(f"expected {value or 'more'}")
        self.pos += 1
        return token

    def parse(self) -> Thunk:
        thunk = self.compare()
        if self.peek() is not None:
            raise FormulaError(f"unexpected {self.tokens[self.pos][1]!r}")
        return thunk

    def _next_op(self, ops: tuple[str, ...]) -> str | None:
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] in ops:
            self.pos += 1
            return token[1]
        return None

    def compare(self) -> Thunk:
        left = self.concat()
        while op := self._next_op(("=", "<>", "<", ">", "<=", ">=")):
            left = _binary(left, self.concat(), _comparer(op))
        return left

    def concat(self) -> Thunk:
        left = self.additive()
        while self._next_op(("&",)):
            left = _binary(left, self.additive(), lambda a, b: _text(a) + _text(b))
        return left

    def additive(self) -> Thunk:
        left = self.term()
        while op := self._next_op(("+", "-")):
            left = _binary(left, self.term(), _ARITH[op])
        return left

    def term(self) -> Thunk:
        left = self.power()
        while op := self._next_op(("*", "/")):
            left = _binary(left, self.power(), _ARITH[op])
        return left

    def power(self) -> Thunk:
        left = self.unary()
        while self._next_op(("^",)):
            left = _binary(left, self.unary(), _ARITH["^"])
        return left

    def unary(self) -> Thunk:
        op = self._next_op(("-", "+"))
        if op:
            inner = self.unary()
            sign = -1.0 if op == "-" else 1.0
            return lambda: sign * _number(_single(inner()))
        value = self.atom()
        while self._next_op(("%",)):
            value = _binary(value, lambda: 100.0, _ARITH["/"])
        return value

    def atom(self) -> Thunk:
        kind, text = self.take()
        if kind == "num":
            number = float(text)
            return lambda: number
        if kind == "str":
            string = text[1:-1].replace('""', '"')
            return lambda: string
        if kind == "bool":
            flag = text.upper() == "TRUE"
            return lambda: flag
        if kind == "ref":
            return lambda: self.reference(text)
        if kind == "func":
            return self.call(text.upper())
        if text == "(":
            value = self.compare()
            self.take(")")
            return value
        raise FormulaError(f"unexpected {text!r}")

    def reference(self, text: str) -> Any:
        sheet = None
        if "!" in text:
            sheet, text = text.rsplit("!", 1)
            sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet
        cells = [(m.group(1).upper(), int(m.group(2))) for m in _CELL.finditer(text)]
        if len(cells) == 1:
            return self.lookup(sheet, *cells[0])
        (c0, r0), (c1, r1) = cells
        lo_c, hi_c = sorted((column_number(c0), column_number(c1)))
        lo_r, hi_r = sorted((r0, r1))
        if (hi_c - lo_c + 1) * (hi_r - lo_r + 1) > 100_000:
            raise FormulaError("range too large")
        return [
            self.lookup(sheet, column_letter(c - 1), r)
            for r in range(lo_r, hi_r + 1)
            for c in range(lo_c, hi_c + 1)
        ]

    def call(self, name: str) -> Thunk:
        args: list[Thunk] = []
        if not self._next_op((")",)):
            while True:
                args.append(self.compare())
                if self.take()[1] == ")":
                    break
        if name in _LAZY:
            lazy = _LAZY[name]
            return lambda: lazy(args)
        if name == "TODAY":
            today = self.today
            if today is None:
                raise FormulaError("TODAY() needs an as-of date")
            return lambda: float(serial(today))
        func = _FUNCTIONS.get(name)
        if func is None:
            raise FormulaError(f"function {name} is not supported")
        return lambda: func([a() for a in args])


Thunk = Callable[[], Any]


def _comparer(op: str) -> Callable[[Any, Any], bool]:
    return lambda a, b: _compare(op, a, b)


def _binary(left: Thunk, right: Thunk, op: Callable[[Any, Any], Any]) -> Thunk:
    return lambda: op(_single(left()), _single(right()))


def _divide(a: Any, b: Any) -> Any:
    x, y = _number(a), _number(b)
    return ExcelError("#DIV/0!") if y == 0 else x / y


_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: _number(a) + _number(b),
    "-": lambda a, b: _number(a) - _number(b),
    "*": lambda a, b: _number(a) * _number(b),
    "/": _divide,
    "^": lambda a, b: _number(a) ** _number(b),
}


def _single(value: Any) -> Any:
    if isinstance(value, list):
        raise FormulaError("a range where one value is expected")
    if isinstance(value, ExcelError):
        raise _ErrorValue(value)
    return value


class _ErrorValue(Exception):
    def __init__(self, error: ExcelError) -> None:
        super().__init__(error.name)
        self.error = error


def _number(value: Any) -> float:
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dt.datetime):
        return (value - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    if isinstance(value, dt.date):
        return float(serial(value))
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        raise _ErrorValue(ExcelError("#VALUE!")) from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _compare(op: str, a: Any, b: Any) -> bool:
    a = "" if a is None else a
    b = "" if b is None else b
    if isinstance(a, (dt.date, bool)):
        a = _number(a)
    if isinstance(b, (dt.date, bool)):
        b = _number(b)
    if isinstance(a, str) and isinstance(b, str):
        a, b = a.casefold(), b.casefold()
    elif isinstance(a, str) != isinstance(b, str):
        # Excel ranks every number below every text; "" equals an empty cell only.
        a, b = (1, 0) if isinstance(a, str) else (0, 1)
    ops = {"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}
    return bool(ops[op])


def _flat(args: list[Any]) -> list[Any]:
    out: list[Any] = []
    for arg in args:
        out.extend(arg if isinstance(arg, list) else [arg])
    return out


def _numbers(args: list[Any]) -> list[float]:
    out = []
    for arg in args:
        if isinstance(arg, list):  # in ranges, text and blanks are skipped
            for v in arg:
                if isinstance(v, ExcelError):
                    raise _ErrorValue(v)
                if isinstance(v, (int, float, dt.date)) and not isinstance(v, bool):
                    out.append(_number(v))
        else:
            out.append(_number(_single(arg)))
    return out


def _criterion(criterion: Any) -> Callable[[Any], bool]:
    text = _text(criterion)
    hit = re.match(r"^(<>|<=|>=|=|<|>)?(.*)$", text, re.DOTALL)
    assert hit is not None
    op, rest = hit.group(1) or "=", hit.group(2)
    try:
        target: Any = float(rest)
    except ValueError:
        target = rest
    return lambda v: (
        _compare(op, v, target) if v not in (None, "") or op == "<>" else rest == "" and op == "="
    )


def _round(args: list[Any]) -> float:
    value = _number(_single(args[0]))
    digits = int(_number(_single(args[1]))) if len(args) > 1 else 0
    scaled = abs(value) * 10**digits
    rounded = math.floor(scaled + 0.5) / 10**digits  # Excel rounds half away from zero
    return math.copysign(rounded, value)


def _countif(args: list[Any]) -> float:
    test = _criterion(_single(args[1]))
    return float(sum(1 for v in _flat([args[0]]) if test(v)))


def _sumif(args: list[Any]) -> float:
    test = _criterion(_single(args[1]))
    values = _flat([args[2] if len(args) > 2 else args[0]])
    keys = _flat([args[0]])
    return sum(
        _number(v)
        for k, v in zip(keys, values, strict=False)
        if test(k) and isinstance(v, (int, float))
    )


def _average(args: list[Any]) -> Any:
    nums = _numbers(args)
    return sum(nums) / len(nums) if nums else ExcelError("#DIV/0!")


_FUNCTIONS: dict[str, Callable[[list[Any]], Any]] = {
    "SUM": lambda a: sum(_numbers(a)),
    "AVERAGE": _average,
    "MIN": lambda a: min(_numbers(a), default=0.0),
    "MAX": lambda a: max(_numbers(a), default=0.0),
    "ROUND": _round,
    "ABS": lambda a: abs(_number(_single(a[0]))),
    "AND": lambda a: all(bool(_number(v)) for v in _flat(a) if v not in (None, "")),
    "OR": lambda a: any(bool(_number(v)) for v in _flat(a) if v not in (None, "")),
    "NOT": lambda a: not bool(_number(_single(a[0]))),
    "COUNT": lambda a: float(
        sum(1 for v in _flat(a) if isinstance(v, (int, float, dt.date)) and not isinstance(v, bool))
    ),
    "COUNTA": lambda a: float(sum(1 for v in _flat(a) if v not in (None, ""))),
    "COUNTIF": _countif,
    "SUMIF": _sumif,
    "DATE": lambda a: float(
        serial(dt.date(int(_number(a[0])), int(_number(a[1])), int(_number(a[2]))))
    ),
}


def _if(args: list[Callable[[], Any]]) -> Any:
    condition = _single(args[0]())
    chosen = 1 if (_number(condition) if not isinstance(condition, str) else condition) else 2
    return args[chosen]() if chosen < len(args) else False


def _iferror(args: list[Callable[[], Any]]) -> Any:
    try:
        value = args[0]()
        if isinstance(value, ExcelError):
            return args[1]()
        return value
    except _ErrorValue:
        return args[1]()


_LAZY: dict[str, Callable[[list[Callable[[], Any]]], Any]] = {"IF": _if, "IFERROR": _iferror}


def evaluate(formula: str, lookup: CellLookup, today: dt.date | None = None) -> Any:
    """Evaluate one formula.

    Args:
        formula: the formula text, with or without the leading `=`.
        lookup: gives a referenced cell's value: lookup(sheet or None, letters, row).
        today: the as-of date, for TODAY().

    Returns:
        A float, str, bool, None, or an `ExcelError` (#DIV/0!, #VALUE!).

    Raises:
        FormulaError: the formula uses something this evaluator does not support.
    """
    text = formula.removeprefix("=")
    if len(text) > MAX_FORMULA_CHARS:
        raise FormulaError(f"longer than Excel's {MAX_FORMULA_CHARS:,} characters")
    try:
        parser = _Parser(text, lookup, today)
        depth = _nesting(parser.tokens)
        if depth > MAX_NESTING:
            raise FormulaError(f"nested {depth} levels deep (Excel allows {MAX_NESTING})")
        thunk = parser.parse()
        value = thunk()
    except _ErrorValue as exc:
        return exc.error
    except (ValueError, OverflowError, ZeroDivisionError, IndexError, TypeError) as exc:
        raise FormulaError(str(exc)) from exc
    except RecursionError as exc:
        # The parser and the evaluation recurse per operator and per referenced formula;
        # thousands of chained terms or cells exceed Python's stack, never Excel's.
        raise FormulaError("too deeply nested to evaluate") from exc
    if isinstance(value, list):
        raise FormulaError("a formula that returns a range")
    return value
