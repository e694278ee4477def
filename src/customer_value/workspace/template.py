"""``cva init``: a new workspace with a commented configuration."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from customer_value.errors import WorkspaceError
from customer_value.workspace.layout import CONFIG_NAME, Workspace, open_workspace


def config_template(language: str = "en") -> str:
    """The commented ``cva.yaml`` of a new workspace."""
    text = resources.files(__package__).joinpath("template.yaml").read_text(encoding="utf-8")
    return text.format(language=language)


def init_workspace(root: Path | str, *, language: str = "en") -> Workspace:
    """Create the folders and ``cva.yaml`` of a workspace at ``root``.

    Raises
    ------
    WorkspaceError
        ``root`` already holds a ``cva.yaml`` or is a file.
    """
    workspace = open_workspace(root, must_exist=False)
    if workspace.config_path.exists():
        raise WorkspaceError("workspace.exists", path=str(workspace.root))
    workspace.root.mkdir(parents=True, exist_ok=True)
    (workspace.root / CONFIG_NAME).write_text(config_template(language), encoding="utf-8")
    workspace.data_dir.mkdir(exist_ok=True)
    workspace.runs_dir.mkdir(exist_ok=True)
    return workspace
