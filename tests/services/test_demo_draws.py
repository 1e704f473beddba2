"""The demo draws through Random._randbelow (demo.below, demo.weighted) so that it draws
faster and still gets exactly what randint, randrange, choice and choices give: the same
seed gives the same database as before. If a Python version draws those differently, this
is the test that says so."""

from __future__ import annotations

import random
import uuid

from ungtui.demo import below, seeded_id, weighted

SEEDS = (0, 1, 11, 7919 * 11 + 17)
NAMES = ("Anna", "Erik", "Åsa", "Örjan", "Hodan")


def test_below_gives_what_randint_randrange_and_choice_give():
    for seed in SEEDS:
        public, ours = random.Random(seed), random.Random(seed)
        draw = below(ours)
        for n in (1, 2, 5, 21, 365, 19 * 365 + 1, 6 * 365 - 29, 2**40):
            for _ in range(200):
                assert ours.getstate() == public.getstate()
                # randint(a, b) == a + below(b - a + 1)
                assert 10 + draw(n) == public.randint(10, 9 + n)
                assert NAMES[draw(len(NAMES))] == public.choice(NAMES)
                # randrange(0 or 1, 10, 2), the serial digit for a woman or a man
                assert 2 * draw(5) == public.randrange(0, 10, 2)
                assert 2 * draw(5) + 1 == public.randrange(1, 10, 2)
        assert ours.getstate() == public.getstate()


def test_weighted_gives_what_choices_gives():
    for seed in SEEDS:
        public, ours = random.Random(seed), random.Random(seed)
        gender = weighted(ours, ("kvinna", "man", "annat"), (48, 50, 2))
        kind = weighted(ours, ("a", "b", "c", "d"), (40, 40, 10, 10))
        seen = set()
        for _ in range(3000):
            got = gender()
            assert got == public.choices(("kvinna", "man", "annat"), weights=(48, 50, 2))[0]
            assert kind() == public.choices(("a", "b", "c", "d"), weights=(40, 40, 10, 10))[0]
            seen.add(got)
        assert seen == {"kvinna", "man", "annat"}
        assert ours.getstate() == public.getstate()


def test_seeded_ids_are_the_uuids_of_their_bits():
    rng = random.Random(3)
    values = [rng.getrandbits(128) for _ in range(20000)] + [0, 2**128 - 1]
    for bits in values:
        assert seeded_id(bits) == str(uuid.UUID(int=bits, version=4))
    assert seeded_id(0) == "00000000-0000-4000-8000-000000000000"
    assert seeded_id(2**128 - 1) == "ffffffff-ffff-4fff-bfff-ffffffffffff"
