"""The data map, Qt-free: the map as data (``graph``), where everything goes (``layout``, on
its own ``geometry``) and the picture a renderer draws (``picture``). The app's data map page
draws it with Qt; the evidence pack's PDF and SVG are drawn by ``exports.data_map``."""
