"""The reference data in use, shared by every service of a run.

One ``ReferenceSource`` is made by the composition root and handed to every service that
reads legal facts (status, supplier check, TIAs, exports). Loading a newer bundle replaces the
set for all of them at once, including the services of background threads: nobody assigns a
set to a service.
"""

from __future__ import annotations

from pathlib import Path

from transfers_app.reference.loader import ReferenceSet, load_reference


class ReferenceSource:
    """Holds the ``ReferenceSet`` in use; ``current`` is read on every use, never kept."""

    def __init__(self, current: ReferenceSet) -> None:
        self._current = current

    @classmethod
    def newest(cls, folder: Path | None) -> ReferenceSource:
        """The newest valid set: the built-in one, or a bundle in ``folder`` if newer."""
        return cls(load_reference(folder))

    @property
    def current(self) -> ReferenceSet:
        return self._current

    def replace(self, ref: ReferenceSet) -> None:
        # One reference assignment: a thread reading ``current`` sees the old set or the new.
        self._current = ref

    def load(self, folder: Path | None) -> ReferenceSet:
        """Use the newest valid set: the built-in one, or a bundle in ``folder`` if newer."""
        self.replace(load_reference(folder))
        return self._current
