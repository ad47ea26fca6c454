"""The data map as a picture to draw: the map, each transfer's verdict, the words above it.

Built by the evidence pack (``services.evidence``), drawn by ``exports.data_map`` as PDF and
SVG with the layout of ``layout`` (the same as the app's data map page).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from transfers_app.reports.data_map.graph import (
    MapData,
    StatusValue,
    TransferVerdict,
    edge_status,
    worst_of,
)


@dataclass(frozen=True, slots=True)
class MapPicture:
    title: str
    description: str  # what it shows: a document's description, read by assistive technology
    data: MapData
    verdicts: Mapping[int, TransferVerdict]  # transfer id -> verdict (missing: not assessed)
    note: str = ""  # printed under the title, e.g. how many importers are not drawn

    def node_statuses(self) -> dict[int, StatusValue]:
        """Each importer's status: the worst of the arrows into it."""
        incoming: dict[int, list[StatusValue]] = defaultdict(list)
        for e in self.data.edges:
            incoming[e.importer_id].append(edge_status(e, self.verdicts))
        return {i: worst_of(found) for i, found in incoming.items()}
