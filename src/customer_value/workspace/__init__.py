"""The workspace: a folder with ``cva.yaml``, the clean tables, the quarantine and the runs."""

from customer_value.workspace.layout import Workspace, open_workspace
from customer_value.workspace.template import init_workspace

__all__ = ["Workspace", "init_workspace", "open_workspace"]
