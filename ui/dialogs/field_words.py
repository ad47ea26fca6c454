"""How the editors' validation messages name their fields in words. No Qt: the editors'
view-state modules use it."""

from __future__ import annotations

from collections.abc import Mapping

from transfers_app.errors import ValidationError


def field_message(
    error: ValidationError,
    labels: Mapping[str, str],
    runs_on: tuple[str, ...] = ("is ", "must "),
) -> str:
    """``error`` naming its field (and any other field it mentions) by its ``labels`` entry:
    "Name is required" when the message reads on from the name (it starts with one of
    ``runs_on``, or a number), else "Name: the message"."""
    text = error.message
    for key, label in labels.items():
        if key != error.field and "_" in key:
            text = text.replace(key, label.lower())
    label = labels.get(error.field, error.field.replace("_", " ").capitalize())
    if text.startswith(runs_on) or text[:1].isdigit():
        return f"{label} {text}"
    return f"{label}: {text}"
