"""A workspace with the synthetic CRM's messy exports ingested, shared by the pipeline tests."""

import json

import pytest

from customer_value.pipeline.demo import copy_sample_data, ingest_sources
from customer_value.workspace import init_workspace


@pytest.fixture(scope="session")
def sample_workspace(tmp_path_factory):
    """The bundled sample ingested once (customers, orders in three files, the other tables)."""
    workspace = init_workspace(tmp_path_factory.mktemp("sample") / "ws")
    copy_sample_data(workspace, n_customers=600, seed=3)
    outcomes = ingest_sources(workspace)
    dirt = json.loads((workspace.root / "sample" / "dirt.json").read_text(encoding="utf-8"))
    return workspace, outcomes, dirt
