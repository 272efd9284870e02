"""Audit every locked dependency (uv.lock, all extras and the dev group) for known vulnerabilities.

Two sources, the first that answers wins:

1. ``pip-audit`` against the OSV service (``--service osv``, the default; ``pypi`` asks PyPI's JSON API):
   every pinned requirement exported from the lock, without installing or resolving anything.
2. An OSV advisory folder on disk (``--advisories DIR`` or ``$CADRE_ADVISORIES``): a clone of the PyPA
   advisory database (``vulns/<package>/*.yaml``) or any folder of OSV JSON/YAML records. This is for
   machines that reach PyPI's package index but no advisory service.

An advisory listed in ``.ci/audit-ignore.toml`` (its id, the reason, and the date the exception ends) is
reported but does not fail the audit; an expired exception fails it again.

Exit status: 0 clean, 1 a known vulnerability (or an expired exception), 2 bad input. When no source can
be reached the audit says so on stderr and exits 0, or 3 with ``--strict``: an audit that could not look
is not a clean audit, and the output never calls it one.

    python scripts/audit_deps.py                      # the lock beside this script's project
    python scripts/audit_deps.py --advisories ~/advisory-database --strict
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
CLEAN, VULNERABLE, BAD_INPUT, UNAVAILABLE = 0, 1, 2, 3


class AuditInputError(Exception):
    """A lock, advisory or exception file that cannot be read; the message says which and where."""


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    advisory: str
    aliases: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()

    def ids(self) -> set[str]:
        return {self.advisory, *self.aliases}


@dataclass
class Report:
    source: str
    packages: int
    findings: list[Finding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "name version: why" of packages the source could not audit


# --- the lock -------------------------------------------------------------------------------------------


def locked_packages(lock: Path) -> dict[str, str]:
    """Every package the lock pins from a registry, ``{canonical name: version}`` (the project itself excluded)."""
    try:
        data = tomllib.loads(lock.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise AuditInputError(f"{lock}: no such lock file") from e
    except tomllib.TOMLDecodeError as e:
        raise AuditInputError(f"{lock}: not a TOML lock file ({e})") from e
    pinned: dict[str, str] = {}
    for i, package in enumerate(data.get("package", [])):
        source = package.get("source", {})
        if "registry" not in source:
            continue  # the project itself (editable or virtual), or a path/git source: nothing to look up
        if "name" not in package or "version" not in package:
            raise AuditInputError(f"{lock}: package entry {i + 1} has no name or version")
        pinned[canonicalize_name(package["name"])] = package["version"]
    if not pinned:
        raise AuditInputError(f"{lock}: the lock pins no package from a registry")
    return pinned


# --- source 1: pip-audit --------------------------------------------------------------------------------


def pip_audit(pinned: dict[str, str], service: str, timeout: int) -> Report | None:
    """Ask the advisory service through pip-audit; None when the service cannot be reached."""
    exe = shutil.which("pip-audit") or str(Path(sys.executable).with_name("pip-audit"))
    if not Path(exe).exists():
        raise AuditInputError("pip-audit is not installed (it is in the dev group: `make setup`)")
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text("".join(f"{name}=={version}\n" for name, version in sorted(pinned.items())))
        done = subprocess.run(
            [exe, "-r", str(requirements), "--no-deps", "--disable-pip", "--vulnerability-service", service,
             "--format", "json", "--progress-spinner", "off", "--timeout", str(timeout)],
            capture_output=True, text=True, timeout=timeout * 10 + 60, check=False)
    try:
        answer = json.loads(done.stdout)
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"audit: the {service} service could not be asked: {last[:300]}", file=sys.stderr)
        return None
    deps = answer.get("dependencies", [])
    skipped = [f"{dep['name']}: {dep['skip_reason']}" for dep in deps if dep.get("skip_reason")]
    if len(skipped) == len(deps):
        # PyPI answers "not found" for every package when its per-version pages are out of reach
        print(f"audit: the {service} service audited none of the {len(deps)} packages "
              f"(first: {skipped[0] if skipped else 'no answer'})", file=sys.stderr)
        return None
    report = Report(source=f"pip-audit, {service} service", packages=len(deps) - len(skipped), skipped=skipped)
    for dep in deps:
        for vuln in dep.get("vulns", []):
            report.findings.append(Finding(canonicalize_name(dep["name"]), dep["version"], vuln["id"],
                                           tuple(vuln.get("aliases", [])), tuple(vuln.get("fix_versions", []))))
    return report


# --- source 2: an OSV folder ----------------------------------------------------------------------------


#: ``name: X`` (YAML) or ``"name": "X"`` (JSON): the package names a record may be about.
_NAMED = re.compile(r"""["']?name["']?\s*:\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)""")


def _records(folder: Path, names: set[str]) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The OSV records of the folder that may name one of ``names`` (others are not parsed), withdrawn ones left out."""
    import yaml  # type: ignore[import-untyped]


    files = sorted(p for p in folder.rglob("*") if p.suffix in (".json", ".yaml", ".yml") and p.is_file())
    if not files:
        raise AuditInputError(f"{folder}: no OSV records (*.json, *.yaml) in this folder")
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
            if not any(canonicalize_name(n) in names for n in _NAMED.findall(text)):
                continue  # names none of the packages: not worth parsing
            record = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        except (json.JSONDecodeError, yaml.YAMLError, UnicodeDecodeError) as e:
            raise AuditInputError(f"{path}: not an OSV record ({type(e).__name__}: {e})") from e
        if isinstance(record, dict) and "id" in record and "affected" in record and not record.get("withdrawn"):
            yield path, record


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def affects(affected: dict[str, Any], version: str) -> bool:
    """Whether one OSV ``affected`` entry covers ``version``: its explicit list, or an ECOSYSTEM range."""
    if version in {str(v) for v in affected.get("versions", [])}:
        return True
    mine = _version(version)
    if mine is None:
        return False
    for rng in affected.get("ranges", []):
        if rng.get("type") != "ECOSYSTEM":
            continue
        inside = False  # walking the events in version order: introduced opens, fixed / last_affected close
        for kind, at in sorted(_events(rng), key=lambda e: (e[1], e[0] != "introduced")):
            if kind == "introduced" and mine >= at:
                inside = True
            elif (kind == "fixed" and mine >= at) or (kind == "last_affected" and mine > at):
                inside = False
        if inside:
            return True
    return False


def _events(rng: dict[str, Any]) -> Iterator[tuple[str, Version]]:
    for event in rng.get("events", []):
        for kind in ("introduced", "fixed", "last_affected"):
            if kind in event:
                text = str(event[kind])
                at = Version("0") if text == "0" else _version(text)
                if at is not None:
                    yield kind, at


def osv_folder(pinned: dict[str, str], folder: Path) -> Report:
    if not folder.is_dir():
        raise AuditInputError(f"{folder}: not a folder of OSV advisories")
    report = Report(source=f"OSV folder {folder}", packages=len(pinned))
    for _, record in _records(folder, set(pinned)):
        for affected in record.get("affected", []):
            package = affected.get("package", {})
            if package.get("ecosystem") != "PyPI":
                continue
            name = canonicalize_name(str(package.get("name", "")))
            if name in pinned and affects(affected, pinned[name]):
                fixed = tuple(str(e["fixed"]) for r in affected.get("ranges", []) for e in r.get("events", [])
                              if "fixed" in e)
                report.findings.append(Finding(name, pinned[name], str(record["id"]),
                                               tuple(record.get("aliases", []) or []), fixed))
    return report


# --- exceptions -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allowance:
    id: str
    reason: str
    until: dt.date


def exceptions(path: Path) -> list[Allowance]:
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise AuditInputError(f"{path}: not TOML ({e})") from e
    out = []
    for i, entry in enumerate(data.get("ignore", [])):
        where = f"{path}: [[ignore]] entry {i + 1}"
        missing = [k for k in ("id", "reason", "until") if k not in entry]
        if missing:
            raise AuditInputError(f"{where} lacks {', '.join(missing)}")
        if not isinstance(entry["until"], dt.date):
            raise AuditInputError(f"{where}: until must be a date such as 2027-01-31")
        if not str(entry["reason"]).strip():
            raise AuditInputError(f"{where}: the reason is empty")
        out.append(Allowance(str(entry["id"]), str(entry["reason"]), entry["until"]))
    return out


# --- the audit ------------------------------------------------------------------------------------------


def judge(report: Report, allowed: Iterable[Allowance], today: dt.date) -> tuple[int, list[str]]:
    lines = [f"audit: {report.packages} locked packages checked ({report.source})"]
    by_id = {e.id: e for e in allowed}
    status = CLEAN
    for f in sorted(report.findings, key=lambda f: (f.package, f.advisory)):
        excuse = next((by_id[i] for i in sorted(f.ids()) if i in by_id), None)
        fix = f"; fixed in {', '.join(f.fixed)}" if f.fixed else "; no fixed version yet"
        head = f"{f.package} {f.version}: {f.advisory}" + (f" ({', '.join(f.aliases)})" if f.aliases else "") + fix
        if excuse is not None and excuse.until >= today:
            lines.append(f"  allowed until {excuse.until}: {head} — {excuse.reason}")
        else:
            status = VULNERABLE
            expired = f" (its exception ended {excuse.until})" if excuse is not None else ""
            lines.append(f"  VULNERABLE{expired}: {head}")
    if report.skipped:
        lines.append(f"audit: {len(report.skipped)} packages could not be audited:")
        lines.extend(f"  NOT AUDITED: {s}" for s in report.skipped)
    if status != CLEAN:
        lines.append("audit: known vulnerabilities in locked dependencies")
    else:
        lines.append("audit: no known vulnerability" + (" in the packages audited" if report.skipped else "; clean"))
    return status, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lock", type=Path, default=ROOT / "uv.lock")
    parser.add_argument("--service", choices=("osv", "pypi", "none"), default="osv",
                        help="the advisory service pip-audit asks; none: only the folder")
    parser.add_argument("--advisories", type=Path, default=os.environ.get("CADRE_ADVISORIES") or None,
                        help="an OSV advisory folder, used when the service cannot be reached")
    parser.add_argument("--ignore-file", type=Path, default=ROOT / ".ci" / "audit-ignore.toml")
    parser.add_argument("--timeout", type=int, default=20, help="seconds per request to the service")
    parser.add_argument("--strict", action="store_true", help="exit 3 when no source could be asked")
    args = parser.parse_args(argv)
    try:
        pinned = locked_packages(args.lock)
        allowed = exceptions(args.ignore_file)
        report = pip_audit(pinned, args.service, args.timeout) if args.service != "none" else None
        if report is None and args.advisories is not None:
            report = osv_folder(pinned, args.advisories)
    except AuditInputError as e:
        print(f"audit: {e}", file=sys.stderr)
        return BAD_INPUT
    if report is None:
        print(f"audit: NOT DONE — no advisory source could be asked for the {len(pinned)} locked packages "
              "(no service reachable, no --advisories folder); this is not a clean result", file=sys.stderr)
        return UNAVAILABLE if args.strict else CLEAN
    status, lines = judge(report, allowed, dt.date.today())
    print("\n".join(lines))
    return UNAVAILABLE if status == CLEAN and report.skipped and args.strict else status


if __name__ == "__main__":
    raise SystemExit(main())
