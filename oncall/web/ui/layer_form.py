"""Rotation layers in a form: read the fieldsets, prefill them, and turn them into the API's
``layers`` (a whole layer to create, or a PATCH-style change of only what was edited)."""
from __future__ import annotations

import re

from oncall.schemas.rotations import LayerOut
from oncall.web.ui import forms

UNITS = ("hours", "days", "weeks")
RESTRICTION_ROWS = 2
_SHIFT_FIELD = re.compile(r"\.shift_(hours|days|weeks)\b")
_LAYER_INDEX = re.compile(r"^layers\.(\d+)")


def read(form, index: int) -> dict:
    """Layer fieldset ``index`` as typed (strings), the shape the template shows."""
    prefix = f"layers.{index}"
    return {
        "name": form.get(f"{prefix}.name", "").strip(),
        "members": [v for v in form.getlist(f"{prefix}.members") if v.strip()],
        "shift_count": form.get(f"{prefix}.shift_count", "").strip(),
        "shift_unit": form.get(f"{prefix}.shift_unit", "days"),
        "handoff": form.get(f"{prefix}.handoff", "").strip(),
        "restrictions": forms.rows(form, f"{prefix}.restrictions", RESTRICTION_ROWS, forms.window_row,
                                   forms.window_used),
    }


def used(layer: dict) -> bool:
    return bool(layer["name"] or layer["members"])


def blank(name: str = "") -> dict:
    return {"name": name, "members": [], "shift_count": "1", "shift_unit": "weeks", "handoff": "", "restrictions": []}


def shown(layer: LayerOut) -> dict:
    """A stored layer's current version, as the form shows it."""
    version = layer.current
    return {"name": layer.name, "members": [str(m) for m in version.members], "shift_count": str(version.shift_count),
            "shift_unit": version.shift_unit, "handoff": version.handoff[:16],
            "restrictions": [r.model_dump() for r in version.restrictions]}


def _shift(layer: dict) -> dict:
    unit = layer["shift_unit"] if layer["shift_unit"] in UNITS else "days"
    return {f"shift_{unit}": layer["shift_count"]}


def whole(layer: dict) -> dict:
    """A new layer for ``RotationCreate`` / a layer added by ``RotationUpdate``."""
    return {"name": layer["name"], "members": layer["members"], **_shift(layer), "handoff": layer["handoff"] or None,
            "restrictions": layer["restrictions"]}


def change(before: dict, after: dict) -> dict | None:
    """Only what was edited (PATCH semantics: an unchanged hand-off must not restart the grid); None: nothing."""
    edited = {"name": before["name"]}
    if after["members"] != before["members"]:
        edited["members"] = after["members"]
    if (after["shift_count"], after["shift_unit"]) != (before["shift_count"], before["shift_unit"]):
        edited.update(_shift(after))
    if after["handoff"] != before["handoff"]:
        edited["handoff"] = after["handoff"]
    if after["restrictions"] != before["restrictions"]:
        edited["restrictions"] = after["restrictions"]
    return edited if len(edited) > 1 else None


def error_field(form_index: list[int] | None = None):
    """Map a schema field to the form's: ``shift_days`` → ``shift_count`` and, when only some
    layers were sent, the sent layer's position → its fieldset's."""
    def field(name: str) -> str:
        name = _SHIFT_FIELD.sub(".shift_count", name)
        if form_index is not None:
            name = _LAYER_INDEX.sub(lambda m: f"layers.{form_index[int(m[1])]}"
                                    if int(m[1]) < len(form_index) else m[0], name)
        return name

    return field
