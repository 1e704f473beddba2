"""A small fictional population whose every follow-up figure is worked out by hand in
the tests. Records go in through the UnitOfWork, as any write does.

Period 2026H1 (2026-01-01..2026-06-30), compared with 2025H2:

Everyone's case is held by the user's organisation (Malmö stad), a party to the
agreement "Överenskommelse för prov" with Arbetsförmedlingen, which holds a guarantee of
a measure leading to work or studies within 90 days for 16–24-year-olds.

G1  6 women, born 2004-03-01, diploma; entry 2026-02-02, joined the agreement's offer
    2026-02-09 (deadline 2026-05-10); praktik from 2026-03-04 (30 days after entry);
    still on the way. Each referred to adult education on 2026-03-10, reply by
    2026-03-20: five accepted 2026-03-17 (7 days), one declined 2026-03-25.
G2  5 men, born 1999-06-15, first residence permit 2024-01-10, in the establishment
    programme from 2024-03-01; entry 2026-03-02, joined the same day (26: not covered);
    job track T1 (jobbspar) 2026-04-12 (41 days) to 2026-05-28; exit 2026-05-29 to work.
    The first of them referred to labour market 2026-04-20, reply by 2026-04-30, no
    answer.
G3  2 of gender 'annat', born 2009-01-20, not in school, no diploma (compulsory school
    completed 2025-06-30 by the default rule); entry 2026-04-01; the first joined that
    day (deadline 2026-06-30), the second never joined; no measure; still on the way.
    The first has a mapping with reduced work capacity.
G4  1 man, born 2008-09-09, permit 2025-01-20, in upper secondary, not in the programme;
    entry and joined 2026-01-15; praktik from 2026-03-16 (60 days); exit 2026-06-10 to
    studies.
G5  5 women, born 2004-03-01, diploma; entry and joined 2025-09-01; exit 2025-12-01 to a
    programme; no measure.
Job tracks: T1 2026, 10 places, for 'etablering', under the agreement; T2 2025, 8 places,
for 'unga_16_24', of no agreement.
Meetings: 2026-05-05 with items on two G1 women, the first of G3 and one topic;
2026-09-01 with one G1 woman.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ungtui.domain.measures import national_measure_id
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.services.way.measures import ensure_measure_catalogue
from ungtui.store.models import (
    AgendaItem,
    Agreement,
    Individual,
    IndividualMeasure,
    JobTrack,
    Mapping,
    Meeting,
    Organisation,
    Referral,
    ReferralEvent,
    Way,
)


@dataclass
class Population:
    groups: dict[str, list[str]] = field(default_factory=dict)
    agreement_id: str = ""


def _person(uow, gender, born, org=None, **extra) -> str:
    return uow.create(
        Individual(
            first_name="Test",
            last_name="Testsson",
            gender=gender,
            birth_date=born,
            case_organisation_id=org,
            **extra,
        )
    ).id


def _way(uow, pid, entry, exit_on=None, outcome="", joined=None) -> str:
    return uow.create(
        Way(
            individual_id=pid,
            entry_date=entry,
            exit_on=exit_on,
            exit_outcome=outcome,
            joined_on=joined,
        )
    ).id


def _measure(uow, pid, way, code, start, end=None, status="pagaende", track=None) -> None:
    uow.create(
        IndividualMeasure(
            individual_id=pid,
            way_id=way,
            measure_id=national_measure_id(code),
            job_track_id=track,
            start_date=start,
            end_date=end,
            status=status,
        )
    )


def _referral(uow, user, pid, kind, sent, reply_by, answer=None) -> None:
    r = uow.create(
        Referral(
            individual_id=pid,
            from_organisation_id=user.organisation_id,
            from_unit_id=user.unit_id,
            from_staff_id=user.staff_id,
            to_organisation_id="annan-organisation",
            kind=kind,
            reply_by=reply_by,
        )
    )
    events = [("send", 1, sent)]
    if answer:
        events += [("receive", 2, sent), (answer[0], 3, answer[1])]
    for action, step, day in events:
        uow.create(
            ReferralEvent(
                referral_id=r.id,
                individual_id=pid,
                action=action,
                step=step,
                happened_on=day,
                at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
            )
        )


def _meeting(uow, starts_at: datetime) -> str:
    return uow.create(Meeting(kind="samverkansgrupp", title="Samverkan", starts_at=starts_at)).id


GOALS = [
    {
        "goal": "Jobbspår",
        "indicators": [
            {"indicator": "Antal jobbspår", "year": None, "target": "Minst 3"},
            {"indicator": "Antal platser i jobbspåren", "year": None, "target": "Minst 10"},
            {"indicator": "Andel deltagare ur målgruppen", "year": None, "target": "Minst 50 %"},
        ],
    },
    {
        "goal": "Fler börjar arbeta eller studera",
        "indicators": [
            {
                "indicator": "Andel som avslutar med arbete eller studier",
                "year": 2026,
                "target": "Högre än 2025",
            },
            {"indicator": "Antal arbetsgivare som fått stöd", "year": 2026, "target": ""},
        ],
    },
]


def build_population(db, user) -> Population:
    ensure_measure_catalogue(db)
    pop = Population()
    org = user.organisation_id
    with UnitOfWork(db, user.staff_id) as uow:
        af = uow.create(Organisation(name="Arbetsförmedlingen", org_nr="202100-2114", kind="af"))
        pop.agreement_id = uow.create(
            Agreement(
                title="Överenskommelse för prov",
                parties=f"{org},{af.id}",
                goals=json.dumps(GOALS, ensure_ascii=False),
                valid_from=date(2025, 1, 1),
                guarantee_min_age=16,
                guarantee_max_age=24,
                guarantee_days=90,
                guarantee_counts="arbete_studier",
            )
        ).id
        t1 = uow.create(
            JobTrack(
                name="Lager",
                period_from=date(2026, 1, 1),
                period_to=date(2026, 12, 31),
                places=10,
                target_group="etablering",
                agreement_id=pop.agreement_id,
            )
        ).id
        uow.create(
            JobTrack(
                name="Vård",
                period_from=date(2025, 1, 1),
                period_to=date(2025, 12, 31),
                places=8,
                target_group="unga_16_24",
            )
        )
        g1 = []
        for n in range(6):
            pid = _person(uow, "kvinna", date(2004, 3, 1), org, has_upper_secondary_diploma=True)
            way = _way(uow, pid, date(2026, 2, 2), joined=date(2026, 2, 9))
            _measure(uow, pid, way, "praktik", date(2026, 3, 4))
            answer = ("accept", date(2026, 3, 17)) if n < 5 else ("decline", date(2026, 3, 25))
            _referral(
                uow, user, pid, "adult_education", date(2026, 3, 10), date(2026, 3, 20), answer
            )
            g1.append(pid)
        g2 = []
        for n in range(5):
            pid = _person(
                uow,
                "man",
                date(1999, 6, 15),
                org,
                residence_permit_date=date(2024, 1, 10),
                establishment_from=date(2024, 3, 1),
            )
            way = _way(uow, pid, date(2026, 3, 2), date(2026, 5, 29), "arbete", date(2026, 3, 2))
            _measure(
                uow, pid, way, "jobbspar", date(2026, 4, 12), date(2026, 5, 28), "avslutad", t1
            )
            if n == 0:
                _referral(uow, user, pid, "labour_market", date(2026, 4, 20), date(2026, 4, 30))
            g2.append(pid)
        g3 = []
        for n in range(2):
            pid = _person(uow, "annat", date(2009, 1, 20), org)
            way = _way(uow, pid, date(2026, 4, 1), joined=date(2026, 4, 1) if n == 0 else None)
            if n == 0:
                uow.create(
                    Mapping(
                        individual_id=pid,
                        way_id=way,
                        mapped_on=date(2026, 4, 8),
                        disability="Hörselnedsättning",
                        reduced_work_capacity=True,
                    )
                )
            g3.append(pid)
        pid = _person(
            uow,
            "man",
            date(2008, 9, 9),
            org,
            residence_permit_date=date(2025, 1, 20),
            in_upper_secondary=True,
        )
        way = _way(uow, pid, date(2026, 1, 15), date(2026, 6, 10), "studier", date(2026, 1, 15))
        _measure(uow, pid, way, "praktik", date(2026, 3, 16), date(2026, 6, 9), "avslutad")
        g4 = [pid]
        g5 = []
        for _ in range(5):
            pid = _person(uow, "kvinna", date(2004, 3, 1), org, has_upper_secondary_diploma=True)
            _way(uow, pid, date(2025, 9, 1), date(2025, 12, 1), "program", date(2025, 9, 1))
            g5.append(pid)
        may = uow.create(
            Meeting(
                kind="samverkansgrupp",
                title="Samverkan",
                starts_at=datetime(2026, 5, 5, 8, tzinfo=UTC),
            )
        ).id
        for pid in (g1[0], g1[1], g3[0], None):
            uow.create(
                AgendaItem(
                    meeting_id=may,
                    kind="person" if pid else "amne",
                    individual_id=pid,
                    title="" if pid else "Lokaler",
                )
            )
        sept = uow.create(
            Meeting(
                kind="samverkansgrupp",
                title="Samverkan",
                starts_at=datetime(2026, 9, 1, 8, tzinfo=UTC),
            )
        ).id
        uow.create(AgendaItem(meeting_id=sept, kind="person", individual_id=g1[2]))
    pop.groups = {"G1": g1, "G2": g2, "G3": g3, "G4": g4, "G5": g5}
    return pop
