"""The public API is small, sorted and complete."""

from __future__ import annotations

import wheelcast
from wheelcast import errors


class TestPublicApi:
    def test_all_is_sorted_and_unique(self) -> None:
        assert wheelcast.__all__ == sorted(set(wheelcast.__all__))

    def test_the_lazy_names_are_the_exported_ones(self) -> None:
        # wheelcast/__init__.py names them three times (for type checkers, for the loader,
        # in __all__): the lists must not drift apart.
        assert set(wheelcast._HOME_OF) == set(wheelcast.__all__) - {"__version__"}

    def test_every_name_exists(self) -> None:
        for name in wheelcast.__all__:
            assert hasattr(wheelcast, name), name

    def test_every_error_is_exported(self) -> None:
        public_errors = {
            name
            for name, value in vars(errors).items()
            if isinstance(value, type) and issubclass(value, errors.WheelcastError)
        }
        assert public_errors <= set(wheelcast.__all__)

    def test_every_error_has_a_reference(self) -> None:
        refs = [
            value.reference
            for value in vars(errors).values()
            if isinstance(value, type) and issubclass(value, errors.WheelcastError)
        ]
        assert len(refs) == len(set(refs))
