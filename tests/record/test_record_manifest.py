"""The manifest describes every table that ships, and the package exports what it documents."""

from __future__ import annotations

import inspect

import pytest

import cadre.record as record
from cadre.record.manifest import data_file
from cadre.record.schema import SCHEMAS


def test_the_manifest_describes_every_table_and_only_those() -> None:
    assert set(record.manifest()) == set(SCHEMAS)


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_each_entry_names_a_shipped_file_and_its_source(name: str) -> None:
    info = record.manifest()[name]
    header = data_file(info.file).decode("utf-8").splitlines()[0].split(",")
    assert header == [column.name for column in SCHEMAS[name]]
    assert "monograph" in info.source


def test_the_exported_names_are_public_and_documented() -> None:
    for name in record.__all__:
        member = getattr(record, name)
        assert not name.startswith("_")
        if inspect.isfunction(member) or inspect.isclass(member):
            assert inspect.getdoc(member), name
            assert member.__module__.startswith("cadre.record"), name


def test_the_record_imports_nothing_else_of_cadre() -> None:
    import ast
    from pathlib import Path

    package = Path(record.__file__).parent
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cadre"):
                assert node.module.startswith("cadre.record"), (path.name, node.module)
