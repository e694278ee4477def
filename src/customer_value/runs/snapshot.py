"""Runs as immutable snapshots.

A run is written into a hidden staging folder, renamed to ``runs/<run id>`` when complete, and
then made current by atomically replacing ``runs/CURRENT``. A run that fails or is interrupted
never becomes visible; the last good run stays current. Past runs are kept.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from customer_value._json import dumps
from customer_value.errors import NotFoundError, WorkspaceError
from customer_value.workspace import Workspace

MANIFEST = "manifest.json"
CURRENT = "CURRENT"


@dataclass(frozen=True)
class RunManifest:
    """What a run computed, from which data, and how it went.

    ``diagnostics`` holds each stage's facts (model fits, accuracy…); ``messages`` what the user
    should know, most severe first, as language-free
    :class:`~customer_value.diagnostics.Diagnostic` dicts (``Diagnostic.to_dict``).
    """

    run_id: str
    created_at: str
    as_of: str
    customers: int
    tables: list[str]
    settings: dict[str, Any]
    inputs: dict[str, list[str]] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    diagnostics: dict[str, Any] = field(default_factory=dict)
    previous_run: str | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)


def new_run_id(now: dt.datetime) -> str:
    """A sortable, unique run id such as ``20250630T101500-3f9a``."""
    return f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(2)}"


class RunWriter:
    """Collects a run's tables in a staging folder; :meth:`publish` makes it current."""

    def __init__(self, workspace: Workspace, run_id: str) -> None:
        self.workspace = workspace
        self.run_id = run_id
        self.staging = workspace.runs_dir / f".staging-{run_id}"
        self.staging.mkdir(parents=True)

    def write_table(self, name: str, table: pa.Table) -> None:
        pq.write_table(table, self.staging / f"{name}.parquet")

    def publish(self, manifest: RunManifest) -> Path:
        (self.staging / MANIFEST).write_text(dumps(asdict(manifest)), encoding="utf-8")
        final = self.workspace.runs_dir / self.run_id
        os.replace(self.staging, final)
        pointer = self.workspace.runs_dir / f".{CURRENT}.tmp"
        pointer.write_text(self.run_id + "\n", encoding="utf-8")
        os.replace(pointer, self.workspace.runs_dir / CURRENT)
        return final

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _read_manifest(folder: Path) -> RunManifest:
    return RunManifest(**json.loads((folder / MANIFEST).read_text(encoding="utf-8")))


def list_runs(workspace: Workspace) -> list[RunManifest]:
    """Every complete run, oldest first."""
    if not workspace.runs_dir.is_dir():
        return []
    folders = [p for p in workspace.runs_dir.iterdir() if p.is_dir() and (p / MANIFEST).is_file()]
    return sorted((_read_manifest(p) for p in folders), key=lambda m: m.run_id)


def current_run_id(workspace: Workspace) -> str | None:
    """The id of the current run, or None before the first run."""
    pointer = workspace.runs_dir / CURRENT
    return pointer.read_text(encoding="utf-8").strip() if pointer.is_file() else None


def load_run(workspace: Workspace, run_id: str | None = None) -> RunManifest:
    """The manifest of ``run_id`` (default: the current run).

    Raises
    ------
    WorkspaceError
        There is no run yet.
    NotFoundError
        ``run_id`` does not exist.
    """
    run_id = run_id or current_run_id(workspace)
    if run_id is None:
        raise WorkspaceError("workspace.no_run", path=str(workspace.root))
    folder = workspace.runs_dir / run_id
    if not (folder / MANIFEST).is_file():
        raise NotFoundError("not_found.run", name=run_id)
    return _read_manifest(folder)


def run_before(workspace: Workspace, as_of: str, run_id: str) -> RunManifest | None:
    """The latest complete run before (``as_of``, ``run_id``) in as-of order, if any.

    Runs are ordered by their ``as_of`` date, then by when they were made (``run_id``): a run
    made later for an earlier date comes before the runs of later dates.
    """
    earlier = [m for m in list_runs(workspace) if (m.as_of, m.run_id) < (as_of, run_id)]
    return max(earlier, key=lambda m: (m.as_of, m.run_id), default=None)


def previous_run(workspace: Workspace, run_id: str) -> RunManifest | None:
    """The run to compare ``run_id`` with: the one just before it in as-of order (:func:`run_before`).

    When ``run_id`` has the earliest ``as_of`` of all, the run made just before it, if any (the
    caller orders the two by ``as_of``).
    """
    run = load_run(workspace, run_id)
    made_before = [m for m in list_runs(workspace) if m.run_id < run_id]
    return run_before(workspace, run.as_of, run.run_id) or (made_before[-1] if made_before else None)


def read_run_table(workspace: Workspace, run_id: str, name: str) -> pa.Table:
    """One table of a run (e.g. ``summary``)."""
    path = workspace.runs_dir / run_id / f"{name}.parquet"
    if not path.is_file():
        raise NotFoundError("not_found.table", name=f"{run_id}/{name}")
    return pq.read_table(path)
