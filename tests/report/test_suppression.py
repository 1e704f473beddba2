"""Small numbers: every expected set of hidden cells is worked out by hand."""

from ungtui.domain.suppression import hidden_cells, is_small, share_is_hidden


def test_one_to_four_is_small_zero_and_five_are_not():
    assert [is_small(n) for n in (0, 1, 4, 5)] == [False, True, True, False]


def test_a_lone_small_cell_takes_the_smallest_other_part_with_it():
    # women 3, men 10, other 7, total 20: 20 - 10 - 7 would give the 3 back.
    values = {"k": 3, "m": 10, "a": 7, "t": 20}
    assert hidden_cells(values, [("t", ["k", "m", "a"])]) == {"k", "a"}


def test_two_small_cells_protect_each_other():
    values = {"k": 3, "m": 10, "a": 2, "t": 15}
    assert hidden_cells(values, [("t", ["k", "m", "a"])]) == {"k", "a"}


def test_zero_is_never_hidden_so_the_total_goes_instead():
    # women 2, men 0, other 0: the total 2 is small itself.
    values = {"k": 2, "m": 0, "a": 0, "t": 2}
    assert hidden_cells(values, [("t", ["k", "m", "a"])]) == {"k", "t"}


def test_a_second_cell_hidden_in_one_relation_spreads_to_the_next():
    # Rows: outcome A (women 3, men 20) and B (women 6, men 9), with row and column
    # totals. A-women is small; row A then gives it away, so A-men goes too; the women's
    # column then gives A-women away, so B-women goes; the men's column gives A-men away,
    # so B-men goes. Now every relation has two hidden cells.
    values = {
        "Ak": 3, "Am": 20, "At": 23,
        "Bk": 6, "Bm": 9, "Bt": 15,
        "Tk": 9, "Tm": 29, "Tt": 38,
    }  # fmt: skip
    sums = [
        ("At", ["Ak", "Am"]),
        ("Bt", ["Bk", "Bm"]),
        ("Tt", ["Tk", "Tm"]),
        ("Tk", ["Ak", "Bk"]),
        ("Tm", ["Am", "Bm"]),
        ("Tt", ["At", "Bt"]),
    ]
    assert hidden_cells(values, sums) == {"Ak", "Am", "Bm", "Bk"}


def test_nothing_small_nothing_hidden():
    values = {"k": 5, "m": 6, "a": 0, "t": 11}
    assert hidden_cells(values, [("t", ["k", "m", "a"])]) == set()


def test_a_share_hides_when_its_part_or_the_rest_is_small():
    assert share_is_hidden(3, 40)  # three people did it
    assert share_is_hidden(38, 40)  # two did not
    assert share_is_hidden(2, 4)  # four in all
    assert not share_is_hidden(0, 40)
    assert not share_is_hidden(40, 40)
    assert not share_is_hidden(20, 40)
