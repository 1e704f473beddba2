"""Every change is checked before any is applied (sync.validate): the manifest, the order
of the sections, each record, register, version and value, and every stamp against the
clock. Each case names the Swedish reason it is refused with."""

from __future__ import annotations

import copy

import pytest

from ungtui.sync import hlc
from ungtui.sync.validate import ChangeError, Checker, check_all, checked_lines, parse

SITE = "8c9f2d1e-4b7a-4c3e-9f1a-2b3c4d5e6f70"
OTHER = "11111111-2222-4333-8444-555555555555"
PERSON = "0c182e78-e8f0-48f4-beed-8aa854e3cd11"
STAMP = "1796100000000.00000"
LATER = "1796100000000.00001"
NOW_MS = 1796100000000
MANIFEST = {"sender": SITE, "seq_from": 1, "seq_to": 5, "full": True, "acks": {}}


def register(value, stamp=STAMP, site=SITE) -> dict:
    return {"v": [[value, stamp, site]], "vv": {site: stamp}}


def person(**fields) -> dict:
    regs = {"first_name": register("Åsa"), "in_upper_secondary": register(False)}
    regs.update(fields)
    return {"t": "individual", "id": PERSON, "f": regs, "d": None}


def checker(**kwargs) -> Checker:
    kwargs.setdefault("limit", hlc.encode(NOW_MS + hlc.MAX_AHEAD_MS, 99999))
    return Checker(**kwargs)


def problem(*items, manifest=None, **kwargs) -> str:
    """The line a change set is refused with (the test fails if it is not refused)."""
    with pytest.raises(ChangeError) as refused:
        check_all(manifest or MANIFEST, list(items), checker(**kwargs))
    message = str(refused.value)
    prefix, suffix = "Filen har inte lästs in: ", ". Ingenting har ändrats; be avsändaren"
    assert message.startswith(prefix) and suffix in message
    return message[len(prefix) : message.index(suffix)]


def where(col: str) -> str:
    return f"fältet {col} i posten individual {PERSON}"


# --- a valid change set ------------------------------------------------------------------


def test_a_valid_change_set_passes_and_its_newest_stamp_is_found():
    check = checker(sender_site=SITE, full=True)
    items = [
        {"om": [OTHER, SITE, STAMP, SITE]},
        {"g": PERSON},
        {"p": OTHER},
        person(phone={"v": [["070-1", LATER, OTHER], ["070-2", STAMP, SITE]],
                      "vv": {SITE: STAMP, OTHER: LATER}}),
        {"t": "consent", "id": OTHER, "f": {"valid_from": register("2026-01-01")}, "d": None},
        {"t": "meeting", "id": SITE, "f": {"starts_at": register("2026-11-24T09:00:00+00:00")}},
        {"t": "individual", "id": OTHER, "f": {"phone": {"v": [], "vv": {SITE: STAMP}}},
         "d": [LATER, SITE], "o": "212000-1124"},
        {"m": [PERSON, OTHER, STAMP, SITE]},
    ]
    check_all(MANIFEST, items, check)
    assert check.newest == LATER
    assert check.counts == {"om": 1, "g": 1, "p": 1, "rows": 4, "m": 1}


def test_the_lines_of_a_body_are_checked_in_order_and_the_end_counted():
    lines = [
        b'{"sender":"' + SITE.encode() + b'","seq_from":1,"seq_to":1,"full":true,"acks":{}}',
        b'{"g":"' + PERSON.encode() + b'"}',
        b'{"end":{"om":0,"g":1,"p":0,"rows":0,"m":0}}',
    ]
    assert list(checked_lines(lines, checker())) == [
        {"sender": SITE, "seq_from": 1, "seq_to": 1, "full": True, "acks": {}},
        {"g": PERSON},
    ]
    wrong_end = [*lines[:2], b'{"end":{"om":0,"g":2,"p":0,"rows":0,"m":0}}']
    with pytest.raises(ChangeError, match="sista rad stämmer inte med antalet ändringar"):
        list(checked_lines(wrong_end, checker()))
    with pytest.raises(ChangeError, match="saknar sin sista rad"):
        list(checked_lines(lines[:1], checker()))


# --- the manifest ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("manifest", "reason"),
    [
        ({**MANIFEST, "extra": 1}, "filens innehållsförteckning är inte giltig"),
        ({**MANIFEST, "seq_from": -1}, "filens ändringsnummer är inte giltiga"),
        ({**MANIFEST, "seq_to": "5"}, "filens ändringsnummer är inte giltiga"),
        ({**MANIFEST, "seq_from": 9}, "filens ändringsnummer är inte giltiga"),
        ({**MANIFEST, "seq_to": True}, "filens ändringsnummer är inte giltiga"),
        ({**MANIFEST, "sender": "ego"}, "filens innehållsförteckning saknar en giltig avsändare"),
        ({**MANIFEST, "acks": {SITE: 5}}, "filens bekräftelser är inte giltiga"),
        ({**MANIFEST, "acks": {SITE: [-1, PERSON]}}, "filens bekräftelser är inte giltiga"),
        ({**MANIFEST, "acks": {"x": [1, PERSON]}}, "filens bekräftelser är inte giltiga"),
        (
            {**MANIFEST, "full": "ja"},
            "filens innehåll stämmer inte med huvudet (fullständig eller ändringar)",
        ),
    ],
)
def test_a_bad_manifest_is_refused(manifest, reason):
    assert problem(manifest=manifest) == reason


def test_the_manifest_must_agree_with_the_header():
    assert problem(manifest=MANIFEST, sender_site=OTHER) == (
        "filens innehåll kommer från en annan avsändare än huvudet anger"
    )
    assert problem(manifest=MANIFEST, full=False) == (
        "filens innehåll stämmer inte med huvudet (fullständig eller ändringar)"
    )


# --- sections -------------------------------------------------------------------------------


def test_sections_come_in_their_order():
    assert problem(person(), {"g": PERSON}) == "ändring nr 2 står på fel plats i filen"
    assert problem({"m": [PERSON, OTHER, STAMP, SITE]}, {"p": PERSON}) == (
        "ändring nr 2 står på fel plats i filen"
    )


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ("individual", "ändring nr 1 är inte en post"),
        ([1, 2], "ändring nr 1 är inte en post"),
        ({"x": 1}, "ändring nr 1 är av en okänd sort"),
        ({"g": PERSON, "p": PERSON}, "ändring nr 1 är av en okänd sort"),
        ({"g": "nisse"}, "ändring nr 1 har ett post-id som inte är giltigt"),
        # The smaller id first, as every install writes an edge.
        ({"m": [OTHER, PERSON, STAMP, SITE]}, "sammanslagningen i ändring nr 1 är inte giltig"),
        ({"m": [PERSON, OTHER, STAMP]}, "sammanslagningen i ändring nr 1 är inte giltig"),
        ({"om": [PERSON, OTHER, "igår", SITE]},
         "sammanslagningen i ändring nr 1 har en tidsstämpel som inte är giltig"),
    ],
)
def test_changes_of_unknown_kinds_and_malformed_edges_are_refused(item, reason):
    assert problem(item) == reason


# --- records ----------------------------------------------------------------------------------


def test_an_unknown_table_is_named_only_when_its_name_is_plain():
    row = person()
    row["t"] = "hemlig_tabell"
    assert problem(row) == "ändring nr 1 gäller en okänd sorts post (hemlig_tabell)"
    row["t"] = "\x1b[2J"
    assert problem(row) == "ändring nr 1 gäller en okänd sorts post"


def test_a_record_needs_a_well_formed_id_and_known_keys():
    assert problem({**person(), "id": "1"}) == (
        "ändring nr 1 (individual) har ett post-id som inte är giltigt"
    )
    assert problem({**person(), "x": 1}) == "ändring nr 1 är inte en giltig post"
    assert problem({**person(), "o": "Malmö"}) == (
        f"posten individual {PERSON} anger en ursprunglig organisation som inte är giltig"
    )
    assert problem({**person(), "d": ["nu", SITE]}) == (
        f"borttagningen av posten individual {PERSON} har en tidsstämpel som inte är giltig"
    )


def test_an_unknown_field_is_refused():
    assert problem(person(favourite_colour=register("blå"))) == (
        f"posten individual {PERSON} har ett okänt fält (favourite_colour)"
    )
    assert problem(person(search_key=register("asa"))) == (
        f"posten individual {PERSON} har ett okänt fält (search_key)"
    )


# --- registers and versions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reg", "reason"),
    [
        ("Åsa", "är inte giltigt"),
        ({"v": [["Åsa", STAMP, SITE]]}, "saknar sin versionsvektor"),
        ({"v": [["Åsa", STAMP, SITE]], "vv": {}}, "har ingen giltig versionsvektor"),
        ({"v": [["Åsa", STAMP, SITE]], "vv": {SITE: STAMP}, "x": 1}, "är inte giltigt"),
        ({"v": [["Åsa", STAMP, SITE]], "vv": {SITE: STAMP}, "s": -1},
         "har ett ändringsnummer som inte är giltigt"),
        ({"v": [], "vv": {SITE: STAMP}}, "saknar värde"),
        ({"v": [["Åsa", STAMP]], "vv": {SITE: STAMP}}, "har en version som inte är giltig"),
        ({"v": [["Åsa", STAMP, "x"]], "vv": {SITE: STAMP}},
         "har en version från en installation som inte är giltig"),
        ({"v": [["Åsa", LATER, SITE]], "vv": {SITE: STAMP}},
         "har en version som dess versionsvektor inte täcker"),
        ({"v": [["Åsa", STAMP, SITE], ["Asa", STAMP, SITE]], "vv": {SITE: STAMP}},
         "har två versioner med samma tidsstämpel"),
        ({"v": [["Åsa", STAMP, SITE]] * 65, "vv": {SITE: STAMP}}, "har inga giltiga versioner"),
        ({"v": [["Åsa", STAMP, SITE]], "vv": {SITE: 1796100000000}},
         "har en tidsstämpel som inte är giltig"),
    ],
)
def test_a_malformed_register_is_refused(reg, reason):
    assert problem(person(first_name=reg)) == f"{where('first_name')} {reason}"


def test_a_removed_record_carries_no_values_and_a_live_one_no_blanks():
    removed = person()
    removed["d"] = [STAMP, SITE]
    assert problem(removed) == f"{where('first_name')} har värden fast posten är borttagen"


def test_stamps_and_version_vectors_ahead_of_the_clock_are_refused():
    day = 24 * 60 * 60 * 1000
    fine = hlc.encode(NOW_MS + day - 1, 5)
    ahead = hlc.encode(NOW_MS + day + 1, 0)
    check = checker()
    check_all(MANIFEST, [person(phone=register("070", fine))], check)
    assert check.newest == fine
    too_far = f"{where('phone')} har en tidsstämpel mer än ett dygn före den här datorns klocka"
    assert problem(person(phone=register("070", ahead))).startswith(too_far)
    # The vector alone ahead: it would make every later edit look already seen.
    vector_only = {"v": [["070", STAMP, SITE]], "vv": {SITE: STAMP, OTHER: ahead}}
    assert problem(person(phone=vector_only)).startswith(too_far)


# --- values -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("col", "value", "reason"),
    [
        ("in_upper_secondary", "nej", "ska vara ja eller nej (true eller false)"),
        ("in_upper_secondary", 1, "ska vara ja eller nej (true eller false)"),
        ("in_upper_secondary", "false", "ska vara ja eller nej (true eller false)"),
        ("first_name", 42, "ska vara text"),
        ("first_name", ["Åsa"], "ska vara text"),
        ("first_name", "Å" * 101, "är längre än 100 tecken (101)"),
        ("first_name", "Åsa\nEk", "får bara vara en rad men har radbrytningar eller tabbar"),
        ("first_name", "Åsa\tEk", "får bara vara en rad men har radbrytningar eller tabbar"),
        ("first_name", "Å\x00sa", "innehåller osynliga styrtecken"),
        ("first_name", "\x1b]0;hej\x07Åsa", "innehåller osynliga styrtecken"),
        ("first_name", "Åsa\u202e", "innehåller osynliga styrtecken"),
        ("address", "x" * 301, "är längre än 300 tecken (301)"),
        ("birth_date", "2026-02-30", "ska vara ett datum (ÅÅÅÅ-MM-DD)"),
        ("birth_date", "20260228", "ska vara ett datum (ÅÅÅÅ-MM-DD)"),
        ("birth_date", "2026-W09-1", "ska vara ett datum (ÅÅÅÅ-MM-DD)"),
        ("birth_date", 20260228, "ska vara ett datum (ÅÅÅÅ-MM-DD)"),
        ("case_organisation_id", 7, "ska vara text"),
    ],
)
def test_values_of_the_wrong_kind_are_refused(col, value, reason):
    assert problem(person(**{col: register(value)})) == f"{where(col)} {reason}"


def test_values_of_the_right_kind_pass():
    check_all(
        MANIFEST,
        [
            person(
                in_upper_secondary=register(True),
                first_name=register("Åsa-Lena Öberg"),
                birth_date=register("2008-12-07"),
                reserve_id=register(None),
            ),
            {"t": "way", "id": OTHER, "f": {"exit_note": register("Rad ett\nRad två\tflik")}},
            {"t": "individual_measure", "id": SITE, "f": {"hours_per_week": register(12.5)}},
            {"t": "exit_follow_up", "id": SITE, "f": {"day_offset": register(90)}},
            {"t": "agendaitem", "id": SITE, "f": {"individual_id": register(None)}},
        ],
        checker(),
    )


@pytest.mark.parametrize(
    ("table", "col", "value", "reason"),
    [
        ("exit_follow_up", "day_offset", 90.5, "ska vara ett heltal"),
        ("exit_follow_up", "day_offset", True, "ska vara ett heltal"),
        ("individual_measure", "hours_per_week", "12", "ska vara ett tal"),
        (
            "meeting",
            "starts_at",
            "2026-11-24T09:00:00",
            "ska vara en tidpunkt med tidszon (ÅÅÅÅ-MM-DDTtt:mm:ss+00:00)",
        ),
        ("agendaitem", "individual_id", "Åsa Ek", "ska vara ett post-id (UUID)"),
        ("way", "exit_note", "a\x00b", "innehåller osynliga styrtecken"),
    ],
)
def test_numbers_times_and_references_are_checked(table, col, value, reason):
    row = {"t": table, "id": OTHER, "f": {col: register(value)}}
    assert problem(row) == f"fältet {col} i posten {table} {OTHER} {reason}"


# --- lines ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"g": NaN}', "ändring nr 3 går inte att läsa (inte giltig JSON)"),
        (b'{"g": Infinity}', "ändring nr 3 går inte att läsa (inte giltig JSON)"),
        (b"[" * 100_000, "ändring nr 3 går inte att läsa (inte giltig JSON)"),
        (b"{" + b"\xff" + b"}", "ändring nr 3 går inte att läsa (inte giltig JSON)"),
        (b"[" + b"0," * 1_000_001 + b"0]", "ändring nr 3 är orimligt stor"),
    ],
)
def test_lines_that_are_not_json_or_a_flood_are_refused_before_use(line, reason):
    with pytest.raises(ChangeError) as refused:
        parse(line, 3)
    assert reason in str(refused.value)


def test_the_checker_does_not_change_what_it_checks():
    items = [person()]
    kept = copy.deepcopy(items)
    check_all(MANIFEST, items, checker())
    assert items == kept
