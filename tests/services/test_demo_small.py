"""A demo with one or two people is made whole (it crashed in the meetings with fewer than
two people the group may discuss)."""

from datetime import date

from sqlmodel import select

from ungtui.demo.fill import fill_demo
from ungtui.store.database import open_database
from ungtui.store.models import AgendaItem, Individual, Meeting

TODAY = date(2026, 3, 10)


def _items(db) -> dict[str, list[tuple[int, str]]]:
    """Per meeting (title and day), its agenda as (position, person's first name or topic)."""
    with db.session() as session:
        names = {p.id: p.first_name for p in session.exec(select(Individual)).all()}
        titles = {
            m.id: f"{m.title} {m.starts_at:%Y-%m-%d}" for m in session.exec(select(Meeting)).all()
        }
        agenda: dict[str, list[tuple[int, str]]] = {}
        for item in session.exec(select(AgendaItem)).all():
            shown = names[item.individual_id] if item.individual_id else item.title
            agenda.setdefault(titles[item.meeting_id], []).append((item.position, shown))
    return {title: sorted(entries) for title, entries in agenda.items()}


def _people(db) -> list[tuple[str, str]]:
    with db.session() as session:
        rows = session.exec(select(Individual).order_by(Individual.first_name)).all()
        return [(p.first_name, p.status) for p in rows]


def test_a_demo_of_one_active_person_takes_her_up_where_she_may_be_discussed(tmp_path):
    db = open_database(tmp_path / "one.db")
    summary = fill_demo(db, individuals=1, seed=2, today=TODAY)
    assert summary.individuals == 1
    assert _people(db) == [("Ängla", "aktiv")]
    with db.session() as session:
        assert len(session.exec(select(Meeting)).all()) == 8
    # No consent lets the group tell AF about her: today she is the item the room may
    # not hear about; the talk and the case conference are both about her.
    assert _items(db) == {
        "Samverkansgrupp unga 2026-03-10": [(1, "Nya praktikplatser i Hyllie"), (4, "Ängla")],
        "Trepartssamtal Rusta och matcha 2026-03-11": [(1, "Ängla")],
        "Ärendekonferens inför praktik 2026-03-06": [(1, "Ängla")],
        "Operativ styrgrupp 2026-03-20": [
            (1, "Indikatorer och målnivåer 2027"),
            (2, "Uppföljning per termin, uppdelat på kön"),
        ],
    }
    db.close()


def test_a_demo_of_one_closed_case_still_has_the_meetings_without_people(tmp_path):
    db = open_database(tmp_path / "closed.db")
    fill_demo(db, individuals=1, seed=1, today=TODAY)
    assert _people(db) == [("Wilma", "avslutad")]
    assert _items(db) == {
        "Samverkansgrupp unga 2026-03-10": [(1, "Nya praktikplatser i Hyllie")],
        "Operativ styrgrupp 2026-03-20": [
            (1, "Indikatorer och målnivåer 2027"),
            (2, "Uppföljning per termin, uppdelat på kön"),
        ],
    }
    db.close()


def test_a_demo_of_two_people(tmp_path):
    db = open_database(tmp_path / "two.db")
    summary = fill_demo(db, individuals=2, seed=1, today=TODAY)
    assert summary.individuals == 2
    assert _people(db) == [("Amira", "aktiv"), ("Wilma", "avslutad")]
    # Amira may be discussed with AF: she is taken up in the group two weeks ago, and
    # (only one active person) at the talk and the case conference.
    assert _items(db) == {
        "Samverkansgrupp unga 2026-02-24": [(1, "Amira")],
        "Samverkansgrupp unga 2026-03-10": [(1, "Nya praktikplatser i Hyllie")],
        "Trepartssamtal Rusta och matcha 2026-03-11": [(1, "Amira")],
        "Ärendekonferens inför praktik 2026-03-06": [(1, "Amira")],
        "Operativ styrgrupp 2026-03-20": [
            (1, "Indikatorer och målnivåer 2027"),
            (2, "Uppföljning per termin, uppdelat på kön"),
        ],
    }
    db.close()
