"""Where a workspace keeps its files.

::

    cva.yaml                         configuration
    data/tables/<table>/<batch>.parquet      clean rows of one ingested source
    data/quarantine/<table>/<batch>.parquet  rows set aside, with field and reason
    data/batches/<table>/<batch>.json        what one ingest read, kept and set aside
    data/superseded/<table>/<batch>.parquet  order ids of stored orders the batch exports again
    data/customer_map.parquet                source customer id -> master customer id
    data/customer_map_notes.json             what the record linkage that made it noted (message keys)
    runs/<run id>/                           one immutable analysis snapshot
    runs/CURRENT                             the id of the current run
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from customer_value.config import Settings, load_settings
from customer_value.errors import WorkspaceError

CONFIG_NAME = "cva.yaml"


@dataclass(frozen=True)
class Workspace:
    """Paths of one workspace folder."""

    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"

    def table_dir(self, table: str) -> Path:
        return self.data_dir / "tables" / table

    def quarantine_dir(self, table: str) -> Path:
        return self.data_dir / "quarantine" / table

    def batches_dir(self, table: str) -> Path:
        return self.data_dir / "batches" / table

    def superseded_dir(self, table: str) -> Path:
        return self.data_dir / "superseded" / table

    @property
    def customer_map_path(self) -> Path:
        return self.data_dir / "customer_map.parquet"

    @property
    def linkage_notes_path(self) -> Path:
        return self.data_dir / "customer_map_notes.json"

    def settings(self) -> Settings:
        """The validated configuration of this workspace."""
        return load_settings(self.config_path)


def open_workspace(root: Path | str, *, must_exist: bool = True) -> Workspace:
    """The workspace at ``root``.

    Raises
    ------
    WorkspaceError
        ``root`` is not a folder, or (with ``must_exist``) has no ``cva.yaml``.
    """
    path = Path(root).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise WorkspaceError("workspace.not_a_folder", path=str(path))
    if must_exist and not (path / CONFIG_NAME).is_file():
        raise WorkspaceError("workspace.not_initialised", path=str(path))
    return Workspace(path)
