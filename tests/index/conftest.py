from __future__ import annotations

import pytest
from tests.index.index_support import FakeServer


@pytest.fixture
def server() -> FakeServer:
    return FakeServer()
