"""Retention (gallring): closed cases go when they may no longer be kept.

The rule: a person whose case is closed (status avslutad) is erased when their last entry,
the newest change to any of their records, is more than N years old. N is set per
organisation (the one holding the case) and is five years by default, as for
social-services files (SoL 12 kap. 1 §).

Erasure removes every record about the person through the write door, so the removals
travel to other installs by sync and blank the values there too; here the values, their
copies in the change log and the sync registers are blanked, then the file is vacuumed so
nothing is left in free pages or the write-ahead log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlmodel import select

from ungtui.domain.identity import mask_identity
from ungtui.domain.install_settings import RETENTION_YEARS
from ungtui.domain.text import initials
from ungtui.services import audit, clock
from ungtui.services.errors import ValidationError
from ungtui.services.install_settings import RETENTION_YEARS_PREFIX, read_settings, write_settings
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store import person_search
from ungtui.store.database import Database
from ungtui.store.models import PERSON_TABLES, Individual

DEFAULT_YEARS = RETENTION_YEARS.default


@dataclass(frozen=True)
class RetentionCandidate:
    individual_id: str
    label: str  # initials and masked number: enough to recognise, not to expose
    organisation_name: str
    last_entry: date
    keep_until: date  # last entry + the organisation's years


def years_for(db: Database) -> dict[str, int]:
    """Years per organisation id that has its own setting."""
    return dict(read_settings(db).retention_years)


def set_years(db: Database, organisation_id: str, text: str) -> int:
    try:
        years = RETENTION_YEARS.parse(text)
    except ValueError as error:
        raise ValidationError({"years": str(error)}) from None
    write_settings(db, {RETENTION_YEARS_PREFIX + organisation_id: str(years)})
    return years


def preview(db: Database, today: date | None = None) -> list[RetentionCandidate]:
    """Who would be erased today, oldest entry first."""
    today = today or clock.today()
    own_years = years_for(db)
    person_tables = [m.__tablename__ for m in PERSON_TABLES]
    # The newest change log entry of the person's own row or any row that is about them.
    about = " UNION ALL ".join(
        f"SELECT id, individual_id FROM {t} WHERE individual_id = i.id" for t in person_tables
    )
    sql = f"""
        SELECT i.id, i.first_name, i.last_name, i.identity_number, i.reserve_id,
               i.case_organisation_id, COALESCE(o.name, ''),
               (SELECT MAX(c.at) FROM changelog c WHERE c.record_id = i.id
                   OR c.record_id IN (SELECT id FROM ({about}))) AS last_at
        FROM individual i LEFT JOIN organisation o ON o.id = i.case_organisation_id
        WHERE i.deleted_at IS NULL AND i.status = 'avslutad'
    """
    result = []
    with db.engine.connect() as conn:
        for pid, first, last, number, reserve, org_id, org_name, last_at in conn.exec_driver_sql(
            sql
        ):
            if last_at is None:
                continue
            last_entry = clock.local_time(datetime.fromisoformat(last_at)).date()
            keep_until = last_entry + relativedelta(years=own_years.get(org_id, DEFAULT_YEARS))
            if keep_until < today:
                number_shown = mask_identity(number) if number else (reserve or "")
                result.append(
                    RetentionCandidate(
                        pid,
                        f"{initials(first, last)} {number_shown}".strip(),
                        org_name,
                        last_entry,
                        keep_until,
                    )
                )
    return sorted(result, key=lambda c: (c.last_entry, c.individual_id))


def erase(db: Database, individual_ids: list[str], *, actor_id: str | None) -> int:
    """Erase these people and everything about them, for real. Returns how many."""
    erased = 0
    with UnitOfWork(db, actor_id) as uow:
        for pid in individual_ids:
            person = uow.session.get(Individual, pid)
            if person is None:
                continue
            for model in PERSON_TABLES:
                for row in uow.session.exec(
                    select(model).where(model.individual_id == pid, model.deleted_at.is_(None))
                ):
                    uow.remove(row)
            uow.remove(person)
            erased += 1
        audit.write(
            uow.session.connection(),
            actor_id,
            "raderade",
            [(pid, "gallring: alla uppgifter om personen") for pid in individual_ids],
        )
    compact(db)
    return erased


def compact(db: Database) -> None:
    """Fold the write-ahead log into the file and rebuild it, so removed values are gone
    from the bytes on disk, not only from the tables."""
    with db.engine.connect() as conn:
        person_search.forget_old_keys(person_search.driver(conn))
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.exec_driver_sql("VACUUM")
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
