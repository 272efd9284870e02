"""The dependency audit (scripts/audit_deps.py): what it reads, what it flags, how it fails and on what.

The advisory service is not reachable from this machine, so the folder source is tested on OSV records
written here, and the service path through a stand-in for pip-audit's answer.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_deps", ROOT / "scripts" / "audit_deps.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["audit_deps"] = module
    spec.loader.exec_module(module)
    return module


audit = _load()

LOCK = """
version = 1
[[package]]
name = "cadre"
version = "0.1.0"
source = { editable = "." }

[[package]]
name = "Django"
version = "5.2.3"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "typing_extensions"
version = "4.12.0"
source = { registry = "https://pypi.org/simple" }
"""


def _osv(folder: Path, name: str, record: dict[str, object], *, yaml_form: bool = False) -> None:
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(record) if yaml_form else json.dumps(record)
    (folder / f"{name}.{'yaml' if yaml_form else 'json'}").write_text(text)


def _affected(name: str, *events: dict[str, str], versions: tuple[str, ...] = ()) -> dict[str, object]:
    return {"package": {"ecosystem": "PyPI", "name": name},
            "ranges": [{"type": "ECOSYSTEM", "events": list(events)}], "versions": list(versions)}


@pytest.fixture
def lock(tmp_path: Path) -> Path:
    path = tmp_path / "uv.lock"
    path.write_text(LOCK)
    return path


def test_the_lock_gives_every_registry_package_but_not_the_project(lock: Path) -> None:
    assert audit.locked_packages(lock) == {"django": "5.2.3", "typing-extensions": "4.12.0"}


def test_the_real_lock_is_read() -> None:
    pinned = audit.locked_packages(ROOT / "uv.lock")
    assert {"django", "polars", "pip-audit"} <= set(pinned)
    assert "cadre" not in pinned


@pytest.mark.parametrize(("events", "version", "expected"), [
    ([{"introduced": "5.2"}, {"fixed": "5.2.4"}], "5.2.3", True),
    ([{"introduced": "5.2"}, {"fixed": "5.2.4"}], "5.2.4", False),
    ([{"introduced": "5.2"}, {"fixed": "5.2.4"}], "5.1.9", False),
    ([{"introduced": "0"}, {"last_affected": "5.2.3"}], "5.2.3", True),
    ([{"introduced": "0"}, {"last_affected": "5.2.3"}], "5.2.10", False),
    ([{"introduced": "0"}], "99.0", True),
    # two branches in one range: 4.2 before 4.2.15 and 5.0 before 5.0.8
    ([{"introduced": "5.0"}, {"fixed": "5.0.8"}, {"introduced": "4.2"}, {"fixed": "4.2.15"}], "4.2.14", True),
    ([{"introduced": "5.0"}, {"fixed": "5.0.8"}, {"introduced": "4.2"}, {"fixed": "4.2.15"}], "4.2.20", False),
    ([{"introduced": "5.0"}, {"fixed": "5.0.8"}, {"introduced": "4.2"}, {"fixed": "4.2.15"}], "5.0.7", True),
])
def test_a_range_covers_exactly_its_versions(events: list[dict[str, str]], version: str, expected: bool) -> None:
    assert audit.affects(_affected("django", *events), version) is expected


def test_an_explicit_version_list_counts_even_without_a_range() -> None:
    entry = {"package": {"ecosystem": "PyPI", "name": "django"}, "versions": ["5.2.3"]}
    assert audit.affects(entry, "5.2.3") is True
    assert audit.affects(entry, "5.2.2") is False


def test_the_folder_flags_what_affects_the_lock_and_nothing_else(lock: Path, tmp_path: Path) -> None:
    vulns = tmp_path / "vulns"
    _osv(vulns / "django", "PYSEC-1", {"id": "PYSEC-1", "aliases": ["CVE-1"],
                                       "affected": [_affected("Django", {"introduced": "5.2"}, {"fixed": "5.2.4"})]},
         yaml_form=True)
    _osv(vulns / "django", "PYSEC-2", {"id": "PYSEC-2",  # an older branch only
                                       "affected": [_affected("django", {"introduced": "4.0"}, {"fixed": "4.2.1"})]})
    _osv(vulns / "django", "PYSEC-3", {"id": "PYSEC-3", "withdrawn": "2024-01-01T00:00:00Z",
                                       "affected": [_affected("django", {"introduced": "0"})]})
    _osv(vulns / "npm", "GHSA-x", {"id": "GHSA-x", "affected": [
        {"package": {"ecosystem": "npm", "name": "django"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]})
    _osv(vulns / "typing", "PYSEC-4", {"id": "PYSEC-4", "affected": [
        _affected("typing-extensions", {"introduced": "0"}, {"fixed": "4.12.0"})]})
    report = audit.osv_folder(audit.locked_packages(lock), vulns)
    assert [(f.package, f.version, f.advisory, f.aliases, f.fixed) for f in report.findings] == [
        ("django", "5.2.3", "PYSEC-1", ("CVE-1",), ("5.2.4",))]
    status, lines = audit.judge(report, [], dt.date(2026, 1, 1))
    assert status == audit.VULNERABLE
    assert "  VULNERABLE: django 5.2.3: PYSEC-1 (CVE-1); fixed in 5.2.4" in lines


def test_an_exception_allows_an_advisory_until_its_date(lock: Path, tmp_path: Path) -> None:
    report = audit.Report("test", 2, [audit.Finding("django", "5.2.3", "PYSEC-1", ("CVE-1",), ("5.2.4",))])
    ignore = tmp_path / "ignore.toml"
    ignore.write_text('[[ignore]]\nid = "CVE-1"\nreason = "the affected view is not used"\nuntil = 2026-03-01\n')
    allowed = audit.exceptions(ignore)
    status, lines = audit.judge(report, allowed, dt.date(2026, 2, 1))
    assert status == audit.CLEAN
    assert any(line.startswith("  allowed until 2026-03-01: django 5.2.3") for line in lines)
    status, lines = audit.judge(report, allowed, dt.date(2026, 3, 2))
    assert status == audit.VULNERABLE
    assert any("its exception ended 2026-03-01" in line for line in lines)


@pytest.mark.parametrize(("text", "message"), [
    ('[[ignore]]\nid = "CVE-1"\nuntil = 2026-03-01\n', "entry 1 lacks reason"),
    ('[[ignore]]\nid = "CVE-1"\nreason = "x"\nuntil = "soon"\n', "until must be a date"),
    ('[[ignore]]\nid = "CVE-1"\nreason = " "\nuntil = 2026-03-01\n', "the reason is empty"),
    ("[[ignore]\n", "not TOML"),
])
def test_a_bad_exception_file_is_refused_with_its_place(tmp_path: Path, text: str, message: str) -> None:
    ignore = tmp_path / "ignore.toml"
    ignore.write_text(text)
    with pytest.raises(audit.AuditInputError, match=message):
        audit.exceptions(ignore)


def test_bad_inputs_exit_2_and_say_which_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "uv.lock"
    broken.write_text("[[package]\n")
    assert audit.main(["--lock", str(broken), "--service", "none"]) == audit.BAD_INPUT
    assert f"{broken}: not a TOML lock file" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert audit.main(["--lock", str(ROOT / "uv.lock"), "--service", "none", "--advisories", str(empty)]) == 2
    assert "no OSV records" in capsys.readouterr().err
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.json").write_text('{"id": "X", "affected": [{"package": {"name": "django", ')
    assert audit.main(["--lock", str(ROOT / "uv.lock"), "--service", "none", "--advisories", str(bad)]) == 2
    assert f"{bad / 'x.json'}: not an OSV record" in capsys.readouterr().err


def test_no_source_is_never_reported_clean(lock: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "pip_audit", lambda *_a: None)  # the service could not be asked
    assert audit.main(["--lock", str(lock)]) == audit.CLEAN
    out = capsys.readouterr()
    assert "NOT DONE" in out.err
    assert "clean" not in out.out
    assert audit.main(["--lock", str(lock), "--strict"]) == audit.UNAVAILABLE


def test_the_service_answer_is_judged(lock: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    answer = {"dependencies": [{"name": "Django", "version": "5.2.3", "vulns": [
        {"id": "GHSA-1", "aliases": ["CVE-9"], "fix_versions": ["5.2.4"]}]},
        {"name": "typing_extensions", "version": "4.12.0", "vulns": []}]}

    def fake_run(*_a: object, **_k: object) -> object:
        return type("Done", (), {"stdout": json.dumps(answer), "stderr": "", "returncode": 1})()

    monkeypatch.setattr(audit.subprocess, "run", fake_run)
    assert audit.main(["--lock", str(lock), "--ignore-file", str(tmp_path / "none.toml")]) == audit.VULNERABLE
    out = capsys.readouterr().out
    assert "2 locked packages checked (pip-audit, osv service)" in out
    assert "VULNERABLE: django 5.2.3: GHSA-1 (CVE-9); fixed in 5.2.4" in out


def _answer(monkeypatch: pytest.MonkeyPatch, answer: dict[str, object]) -> None:
    def fake_run(*_a: object, **_k: object) -> object:
        return type("Done", (), {"stdout": json.dumps(answer), "stderr": "", "returncode": 0})()

    monkeypatch.setattr(audit.subprocess, "run", fake_run)


def test_packages_the_service_skipped_are_named_and_never_called_clean(
        lock: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    none = ["--lock", str(lock), "--ignore-file", str(tmp_path / "none.toml")]
    _answer(monkeypatch, {"dependencies": [
        {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2.3)"},
        {"name": "typing_extensions", "version": "4.12.0", "vulns": []}]})
    assert audit.main(none) == audit.CLEAN
    out = capsys.readouterr().out
    assert "1 locked packages checked" in out
    assert "  NOT AUDITED: django: Dependency not found on PyPI" in out
    assert "no known vulnerability in the packages audited" in out
    assert audit.main([*none, "--strict"]) == audit.UNAVAILABLE
    capsys.readouterr()
    # every package skipped (PyPI's per-version pages out of reach): the service did not answer at all
    _answer(monkeypatch, {"dependencies": [
        {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2.3)"}]})
    assert audit.main([*none, "--strict"]) == audit.UNAVAILABLE
    err = capsys.readouterr().err
    assert "audited none of the 1 packages" in err
    assert "NOT DONE" in err
