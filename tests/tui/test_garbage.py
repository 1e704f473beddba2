"""The app collects garbage in larger batches and, once its start screen is read, leaves
what start-up made out of the collector's walks."""

from __future__ import annotations

import gc

import pytest

from tests.tui.helpers import settle
from ungtui.tui.app import UngApp
from ungtui.tui.garbage import collect_in_larger_batches, leave_start_objects_alone
from ungtui.tui.screens.my_day import MyDayScreen


@pytest.fixture
def thresholds():
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def test_the_youngest_threshold_is_raised_to_ten_thousand(thresholds):
    gc.set_threshold(700, 10, 10)
    collect_in_larger_batches()
    assert gc.get_threshold() == (10_000, 10, 10)


def test_a_larger_threshold_set_before_is_kept(thresholds):
    gc.set_threshold(50_000, 20, 10)
    collect_in_larger_batches()
    assert gc.get_threshold() == (50_000, 20, 10)


@pytest.fixture
def freezing(monkeypatch):
    monkeypatch.setattr("ungtui.tui.app.leave_start_objects_alone", leave_start_objects_alone)
    yield
    # As the suite left it (tests/conftest.py): only what was alive before the tests froze.
    gc.unfreeze()
    gc.collect()
    gc.freeze()


async def test_start_up_objects_are_frozen_once_min_dag_is_read(
    thresholds, freezing, demo_copy, opens_on_min_dag
):
    gc.set_threshold(700, 10, 10)
    frozen_before = gc.get_freeze_count()
    app = UngApp(demo_copy(300, 1))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MyDayScreen) and app.screen.complete
        assert gc.get_threshold() == (10_000, 10, 10)
        # The app's widgets and the services imported after the first frame: thousands.
        assert gc.get_freeze_count() > frozen_before + 5_000
