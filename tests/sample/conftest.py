"""One synthetic CRM (2,000 customers, seed 0: the default demo) shared by the sample tests."""

from __future__ import annotations

import pytest

from customer_value.sample import CRMData, generate_crm


@pytest.fixture(scope="session")
def crm() -> CRMData:
    return generate_crm(2000, seed=0)
