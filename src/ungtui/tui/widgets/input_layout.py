"""A text field's typing lays out nothing but the field itself.

Textual's Input sets its virtual size (the width of its text) on every key, and that
reactive asks for a layout of the whole screen: in a form of ninety widgets that was a
third of a key's cost (individual form under Pilot, loaded machine: 36 -> 25 ms CPU a
key). The width of the text decides nothing outside a field of fixed size; a field sized
by its text (`width: auto`) is laid out by Input itself as its value changes. Applied
once, when the app's screens are imported.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


def typing_lays_out_only_the_field() -> None:
    if "virtual_size" in vars(Input):
        return
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=True)
    virtual_size.__set_name__(Input, "virtual_size")
    Input.virtual_size = virtual_size
