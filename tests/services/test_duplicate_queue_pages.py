"""The duplicate queue read a page at a time (services.sync.sync.duplicate_page): the same
order as the whole queue, pages that meet without a gap or an overlap, the count of the
whole queue with every page, and a merge of a pair on the second page."""

from __future__ import annotations

import pytest

from tests.sync_helpers import Install, add_person
from ungtui.services.sync.sync import confirm_duplicate, duplicate_page, duplicate_queue

NUMBERS = ["050311-1239", "050312-1238", "050313-1237", "050314-1236", "050315-1235"]
FIRST_NAMES = ["Alva", "Bo", "Cecilia", "David", "Elin"]


@pytest.fixture
def five_pairs(tmp_path):
    """Five people registered on two installs each (one number, two records), taken in at
    A: five pairs. Returns A and the pairs as the queue orders them, by the pair's ids."""
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    pairs = []
    for number, name in zip(NUMBERS, FIRST_NAMES, strict=True):
        here = add_person(a, identity=number, first_name=name, last_name="Ek")
        there = add_person(b, identity=number, first_name=name, last_name="Eek")
        pairs.append(tuple(sorted((here, there))))
    b.send(a)
    yield a, sorted(pairs)
    a.db.close()
    b.db.close()


def ids(page):
    return [(pair.first_id, pair.second_id) for pair in page]


def test_pages_follow_the_queue_order_and_each_says_the_whole_count(five_pairs):
    a, expected = five_pairs
    assert ids(duplicate_page(a.db, 0, 2)[0]) == expected[0:2]
    assert ids(duplicate_page(a.db, 2, 2)[0]) == expected[2:4]
    assert ids(duplicate_page(a.db, 4, 2)[0]) == expected[4:5]
    assert [duplicate_page(a.db, offset, 2)[1] for offset in (0, 2, 4)] == [5, 5, 5]
    assert duplicate_page(a.db, 6, 2) == ([], 0)  # past the end
    assert ids(duplicate_queue(a.db)) == expected


def test_a_page_shows_names_and_the_number_of_the_pair(five_pairs):
    a, _pairs = five_pairs
    [pair] = duplicate_page(a.db, 4, 2)[0]
    first_name = dict(zip(NUMBERS, FIRST_NAMES, strict=True))
    # Which install's record has the lower id is chance: the pair is named either way.
    name = first_name[pair.identity_number[2:]]
    assert {pair.first_name, pair.second_name} == {f"Ek, {name}", f"Eek, {name}"}
    assert pair.identity_number.startswith("200503")
    assert not pair.suggested


def test_merging_a_pair_on_the_second_page_moves_the_next_ones_up(five_pairs):
    a, expected = five_pairs
    [third, _fourth] = duplicate_page(a.db, 2, 2)[0]
    assert (third.first_id, third.second_id) == expected[2]
    confirm_duplicate(a.db, third.first_id, third.second_id)
    page, total = duplicate_page(a.db, 2, 2)
    assert total == 4
    assert ids(page) == [expected[3], expected[4]]
    assert ids(duplicate_page(a.db, 0, 2)[0]) == expected[0:2]
