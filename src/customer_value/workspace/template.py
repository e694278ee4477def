"""``cva init``: a new workspace with a commented configuration."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from customer_value.config import normalise_currency
from customer_value.errors import WorkspaceError
from customer_value.workspace.layout import CONFIG_NAME, Workspace, open_workspace


def config_template(language: str = "en", currency: str | None = None) -> str:
    """The commented ``cva.yaml`` of a new workspace (``currency`` set, or left as a commented example)."""
    text = resources.files(__package__).joinpath("template.yaml").read_text(encoding="utf-8")
    return text.format(language=language, currency=f"currency: {currency}" if currency else "# currency: CNY")


def init_workspace(root: Path | str, *, language: str = "en", currency: str | None = None) -> Workspace:
    """Create the folders and ``cva.yaml`` of a workspace at ``root``.

    Raises
    ------
    WorkspaceError
        ``root`` already holds a ``cva.yaml`` or is a file.
    ConfigError
        ``currency`` is not a 3-letter ISO 4217 code.
    """
    currency = normalise_currency(currency, option="--currency") if currency is not None else None
    workspace = open_workspace(root, must_exist=False)
    if workspace.config_path.exists():
        raise WorkspaceError("workspace.exists", path=str(workspace.root))
    workspace.root.mkdir(parents=True, exist_ok=True)
    (workspace.root / CONFIG_NAME).write_text(config_template(language, currency), encoding="utf-8")
    workspace.data_dir.mkdir(exist_ok=True)
    workspace.runs_dir.mkdir(exist_ok=True)
    return workspace
