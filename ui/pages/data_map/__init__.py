"""The data map page: the pictures (``items``), the view, the PNG and SVG export of what is on
screen (``export``) and the page. The map as data and its layout are Qt-free, in the core
(``transfers_app.reports.data_map``), where the evidence pack's renderer reads them too."""

from transfers_app.reports.data_map.graph import MapData, TransferVerdict, build_map, verdicts
from transfers_app.reports.data_map.layout import LABEL_W, LEG_SPACING, layout_map
from ui.pages.data_map.export import HAS_SVG
from ui.pages.data_map.items import MapBoxItem, MapEdgeItem, MapNodeItem
from ui.pages.data_map.page import DataMapPage

__all__ = [
    "HAS_SVG",
    "LABEL_W",
    "LEG_SPACING",
    "DataMapPage",
    "MapBoxItem",
    "MapData",
    "MapEdgeItem",
    "MapNodeItem",
    "TransferVerdict",
    "build_map",
    "layout_map",
    "verdicts",
]
