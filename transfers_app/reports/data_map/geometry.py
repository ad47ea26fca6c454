"""Points and rectangles for the layout, without Qt (the items turn them into Qt's)."""

from __future__ import annotations


class Point:
    """A point; read as Qt's ``QPointF`` is (``p.x()``, ``p.y()``)."""

    __slots__ = ("_x", "_y")

    def __init__(self, x: float, y: float) -> None:
        self._x = float(x)
        self._y = float(y)

    def x(self) -> float:
        return self._x

    def y(self) -> float:
        return self._y

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and (self._x, self._y) == (other._x, other._y)

    def __hash__(self) -> int:
        return hash((self._x, self._y))

    def __repr__(self) -> str:
        return f"Point({self._x:g}, {self._y:g})"


class Rect:
    """A rectangle from its top-left corner and size; read as Qt's ``QRectF`` is."""

    __slots__ = ("_h", "_w", "_x", "_y")

    def __init__(self, x: float, y: float, width: float, height: float) -> None:
        self._x, self._y, self._w, self._h = float(x), float(y), float(width), float(height)

    def left(self) -> float:
        return self._x

    def top(self) -> float:
        return self._y

    def right(self) -> float:
        return self._x + self._w

    def bottom(self) -> float:
        return self._y + self._h

    def width(self) -> float:
        return self._w

    def height(self) -> float:
        return self._h

    def topLeft(self) -> Point:
        return Point(self._x, self._y)

    def center(self) -> Point:
        return Point(self._x + self._w / 2, self._y + self._h / 2)

    def contains(self, other: Rect) -> bool:
        return (
            self.left() <= other.left()
            and other.right() <= self.right()
            and self.top() <= other.top()
            and other.bottom() <= self.bottom()
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Rect) and (self._x, self._y, self._w, self._h) == (
            other._x,
            other._y,
            other._w,
            other._h,
        )

    def __hash__(self) -> int:
        return hash((self._x, self._y, self._w, self._h))

    def __repr__(self) -> str:
        return f"Rect({self._x:g}, {self._y:g}, {self._w:g}, {self._h:g})"
