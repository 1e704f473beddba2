from __future__ import annotations

import pytest

from ungtui.tui.app import UngApp


@pytest.fixture(autouse=True)
def start_at_the_register(monkeypatch):
    """The app opens on Min dag; most screen tests are about the register and begin there.
    Tests of the start itself use `opens_on_min_dag`."""
    monkeypatch.setattr(UngApp, "START_SECTION", "deltagare")


@pytest.fixture
def opens_on_min_dag(monkeypatch):
    monkeypatch.setattr(UngApp, "START_SECTION", "min_dag")
