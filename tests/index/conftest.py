from __future__ import annotations

import pytest
from tests.index.index_support import FakeServer


@pytest.fixture(params=["async", "blocking"])
def server(request: pytest.FixtureRequest) -> FakeServer:
    """The fake index; each test runs with pages and downloads over the event loop's
    client, and again over the blocking client HttpIndex reads them with in threads."""
    return FakeServer(blocking=request.param == "blocking")
