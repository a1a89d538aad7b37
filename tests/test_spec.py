from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from xltrack.errors import SpecError
from xltrack.spec import LANGS, REQUIRED_TABLES, Spec, load_spec, parse_spec


def test_spec_builtin_has_the_five_tables(spec: Spec) -> None:
    assert set(REQUIRED_TABLES) <= set(spec.tables)
    assert spec.id == "xltrack.campaign" and spec.version >= 1


def test_spec_every_label_in_both_languages(spec: Spec) -> None:
    for table in spec.tables.values():
        for col in table.columns:
            for lang in LANGS:
                assert col.label(lang).strip(), (table.key, col.key, lang)
    for name, values in spec.enums.items():
        assert values, name
        for value in values:
            assert value.label("en") and value.label("zh")


def test_spec_enum_columns_name_known_enums(spec: Spec) -> None:
    for table in spec.tables.values():
        for col in table.columns:
            if col.type == "enum":
                assert col.enum in spec.enums


def test_spec_source_labels_are_the_chinese_ones(spec: Spec) -> None:
    assert spec.enum_labels("task_status", "zh") == ["未开始", "进行中", "已完成", "滞后"]
    assert spec.enum_labels("severity", "zh") == ["高", "中", "低"]
    assert spec.enum_labels("resolution", "zh") == ["未处理", "处理中", "已解决"]


def _raw() -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(Path(load_spec().source).read_text(encoding="utf-8"))
    return raw


def test_spec_team_variant_with_extra_column_loads(tmp_path: Path) -> None:
    raw = _raw()
    raw["tables"]["tasks"]["columns"].append(
        {"key": "channel", "type": "text", "label": {"en": "Channel", "zh": "渠道"}}
    )
    raw["enums"]["phase"].append({"key": "pilot", "label": {"en": "Pilot", "zh": "试点期"}})
    path = tmp_path / "team.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    spec = load_spec(path)
    assert "channel" in spec.table("tasks").keys
    assert "试点期" in spec.enum_labels("phase", "zh")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.pop("tables"), "tables must be a mapping"),
        (lambda r: r["tables"].pop("issues"), "tables missing: issues"),
        (lambda r: r.update(version="two"), "version"),
        (lambda r: r["tables"]["tasks"]["columns"][0].update(type="colour"), "unknown type"),
        (
            lambda r: (
                r["tables"]["tasks"]["columns"][0].update(label="x")
                or r["tables"]["tasks"]["columns"][1].update(key="task_id")
            ),
            "repeats a column key",
        ),
        (lambda r: r["tables"]["tasks"]["columns"][8].update(enum="nope"), "enum"),
        (
            lambda r: r["tables"]["tasks"]["columns"].append(
                {"key": "x", "formula": "=1", "label": "x"}
            ),
            "formula",
        ),
    ],
)
def test_spec_invalid_variant_names_the_problem(
    tmp_path: Path, mutate: Callable[[dict[str, Any]], object], message: str
) -> None:
    raw = _raw()
    mutate(raw)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SpecError, match=message) as info:
        load_spec(path)
    assert "bad.yaml" in str(info.value)


def test_spec_not_yaml_is_a_spec_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("tables: [unclosed", encoding="utf-8")
    with pytest.raises(SpecError, match="broken.yaml"):
        load_spec(path)


def test_spec_parse_rejects_non_mapping() -> None:
    with pytest.raises(SpecError):
        parse_spec(["not", "a", "mapping"])


def test_spec_team_template_extends_the_builtin_with_its_own_words(tmp_path: Path) -> None:
    from xltrack.labels import enum_index, header_index

    team = tmp_path / "team.yaml"
    team.write_text(
        "extends: builtin\nid: acme.campaign\n"
        "headers:\n  issues.found_date: [Logged, 登记于]\n"
        "values:\n  resolution.resolved: [Parked, 搁置]\n"
        "rules: {green_at: 0.95}\n",
        encoding="utf-8",
    )
    spec = load_spec(team)
    assert (spec.id, spec.rules.green_at, spec.rules.yellow_at) == ("acme.campaign", 0.95, 0.8)
    assert header_index(spec).candidates("issues", "Logged")[0].key == "found_date"
    assert header_index(spec).candidates("issues", "登記於")[0].key == "found_date"
    assert enum_index(spec).key("resolution", "Parked") == "resolved"
    assert enum_index(load_spec()).key("resolution", "Parked") is None  # the builtin is untouched


@pytest.mark.parametrize(
    "body",
    [
        "extends: builtin\nheaders:\n  issues.nope: [x]\n",
        "extends: builtin\nvalues:\n  resolution.nope: [x]\n",
        "extends: builtin\nheaders:\n  issues.owner: [no]\n",
        "extends: missing.yaml\n",
    ],
)
def test_spec_team_template_mistakes_are_spec_errors(tmp_path: Path, body: str) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(body, encoding="utf-8")
    with pytest.raises(SpecError):
        load_spec(team)
