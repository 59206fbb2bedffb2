"""Names a package exports but imports only when first used (PEP 562)."""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing's flag without importing typing (see wheelcast/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["attribute_loader"]


def attribute_loader(
    namespace: dict[str, object], homes: Mapping[str, str]
) -> Callable[[str], object]:
    """A module ``__getattr__``: ``name`` imported from the module ``homes[name]`` and
    kept in ``namespace`` (the module's globals), so that it is looked up only once."""

    def load(name: str) -> object:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        namespace[name] = value
        return value

    return load
