from __future__ import annotations

import pytest
from tests.index.index_support import FakeServer


@pytest.fixture
def server() -> FakeServer:
    """The fake index, answering through ``httpx.MockTransport``."""
    return FakeServer()
