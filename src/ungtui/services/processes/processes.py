"""Work processes (arbetsprocesser): lookup, reading, saving with versions, ending, and
which processes apply to a person."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from ungtui.domain.processes import (
    Applicable,
    EndingError,
    ProcessTarget,
    applicable_processes,
    last_day,
    process_state,
    state_text,
)
from ungtui.domain.target_groups import GROUPS, target_groups
from ungtui.domain.text import fold
from ungtui.domain.text_diff import DiffLine, diff_lines
from ungtui.services import clock
from ungtui.services.errors import NotFound, ServiceError, ValidationError
from ungtui.services.people.individuals import person_facts
from ungtui.services.processes.agreements import appendix_numbers, rules_for, split_ids
from ungtui.services.processes.process_markdown import (
    MarkdownError,
    ProcessDocument,
    parse,
    readable,
    render,
)
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store import process_search
from ungtui.store.database import Database
from ungtui.store.models import Agreement, Individual, Organisation, Staff, WorkProcess
from ungtui.store.models import WorkProcessVersion as Version
from ungtui.store.process_search import ProcessQuery


@dataclass
class ProcessInput:
    title: str = ""
    what_agreed: str = ""
    how_done: str = ""
    responsible_organisation_id: str | None = None
    responsible_role: str = ""
    party_ids: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    min_age: int | None = None
    max_age: int | None = None
    measures: str = ""
    source: str = ""
    agreement_id: str | None = None
    appendix: int | None = None
    last_reviewed: date | None = None
    next_review: date | None = None
    ended_on: date | None = None
    ended_by: str | None = None
    local_proposal: str = ""
    ender_full_control: bool | None = None
    continuation_requested: bool | None = None
    commitment_until: date | None = None


@dataclass(frozen=True)
class ProcessRow:
    id: str
    title: str
    status: str
    state: str
    responsible: str
    snippet: str  # matched words between process_search.MARK_START and MARK_END


@dataclass(frozen=True)
class VersionRow:
    version: int
    at: str
    author: str


@dataclass(frozen=True)
class ProcessDetail:
    id: str
    title: str
    state: str
    status: str
    version: int
    markdown: str  # the file format (export, versions)
    readable: str  # the same for reading on screen
    agreement_id: str | None
    agreement_title: str
    versions: list[VersionRow]
    party_ids: list[str]
    party_names: list[str]
    # How the process's agreement lets it end: months of commitment, or None when the
    # agreement says nothing (or there is no agreement).
    commitment_months: int | None = None
    ended_on: date | None = None
    commitment_until: date | None = None


@dataclass(frozen=True)
class ApplicableRow:
    id: str
    title: str
    reason: str
    responsible: str


# --- reading -----------------------------------------------------------------------


def _organisations(session: Session) -> dict[str, Organisation]:
    # Organisations are the parties of the cooperation: a few dozen at most.
    rows = session.exec(select(Organisation).where(col(Organisation.deleted_at).is_(None))).all()
    # A merged duplicate stands for the organisation it is shown as.
    shown = {o.id: o for o in rows if o.merged_into is None}
    return {o.id: shown.get(o.merged_into or o.id, o) for o in rows}


def search(
    db: Database,
    query: ProcessQuery,
    *,
    limit: int = 50,
    offset: int = 0,
    today: date | None = None,
) -> list[ProcessRow]:
    on = today or clock.today()
    query = ProcessQuery(query.words, query.party_id, query.target_group, query.state, on)
    with db.session() as session:
        hits = process_search.search_processes(
            session.connection(), query, limit=limit, offset=offset
        )
        orgs = _organisations(session)
    return [
        ProcessRow(
            id=h.id,
            title=h.title,
            status=state_text(h.ended_on, h.commitment_until, h.next_review, on),
            state=process_state(h.ended_on, h.commitment_until, on),
            responsible=_responsible(orgs, h.responsible_organisation_id, h.responsible_role),
            snippet=h.snippet,
        )
        for h in hits
    ]


def count(db: Database, query: ProcessQuery, today: date | None = None) -> int:
    on = today or clock.today()
    query = ProcessQuery(query.words, query.party_id, query.target_group, query.state, on)
    with db.session() as session:
        return process_search.count_processes(session.connection(), query)


def has_processes(db: Database) -> bool:
    with db.session() as session:
        return session.exec(select(func.count()).select_from(WorkProcess)).one() > 0


def _responsible(orgs: dict[str, Organisation], org_id: str | None, role: str) -> str:
    name = orgs[org_id].name if org_id in orgs else ""
    return ", ".join(part for part in (name, role) if part)


def _document(session: Session, p: WorkProcess) -> ProcessDocument:
    orgs = _organisations(session)
    agreement = session.get(Agreement, p.agreement_id) if p.agreement_id else None
    return ProcessDocument(
        title=p.title,
        id=p.id,
        agreement=agreement.title if agreement else "",
        appendix=p.appendix,
        parties=[orgs[i].name for i in split_ids(p.parties) if i in orgs],
        responsible_organisation=orgs[p.responsible_organisation_id].name
        if p.responsible_organisation_id in orgs
        else "",
        responsible_role=p.responsible_role,
        target_groups=[c for c in p.target_groups.split(",") if c],
        min_age=p.min_age,
        max_age=p.max_age,
        measures=p.measures,
        source=p.source,
        last_reviewed=p.last_reviewed,
        next_review=p.next_review,
        ended_on=p.ended_on,
        ended_by=orgs[p.ended_by].name if p.ended_by in orgs else "",
        ender_full_control=p.ender_full_control,
        continuation_requested=p.continuation_requested,
        commitment_until=p.commitment_until,
        version=p.version,
        what_agreed=p.what_agreed,
        how_done=p.how_done,
        local_proposal=p.local_proposal,
    )


def _get(session: Session, process_id: str) -> WorkProcess:
    process = session.get(WorkProcess, process_id)
    if process is None or process.deleted_at is not None:
        raise NotFound("Arbetsprocessen finns inte längre.")
    return process


def get_process(db: Database, process_id: str, today: date | None = None) -> ProcessDetail:
    on = today or clock.today()
    with db.session() as session:
        p = _get(session, process_id)
        doc = _document(session, p)
        versions = _versions(session, process_id)
        party_ids = split_ids(p.parties)
        if p.responsible_organisation_id and p.responsible_organisation_id not in party_ids:
            party_ids.append(p.responsible_organisation_id)
        orgs = _organisations(session)
        months = _commitment_months(session, p.agreement_id)
    status = state_text(p.ended_on, p.commitment_until, p.next_review, on)
    return ProcessDetail(
        id=p.id,
        title=p.title,
        state=process_state(p.ended_on, p.commitment_until, on),
        status=status,
        version=p.version,
        markdown=render(doc),
        readable=readable(doc, status),
        agreement_id=p.agreement_id,
        agreement_title=doc.agreement,
        versions=versions,
        party_ids=[i for i in party_ids if i in orgs],
        party_names=[orgs[i].name for i in party_ids if i in orgs],
        commitment_months=months,
        ended_on=p.ended_on,
        commitment_until=p.commitment_until,
    )


def _commitment_months(session: Session, agreement_id: str | None) -> int | None:
    agreement = session.get(Agreement, agreement_id) if agreement_id else None
    if agreement is None or agreement.deleted_at is not None:
        return None
    return agreement.process_commitment_months


def export_process(db: Database, process_id: str) -> str:
    with db.session() as session:
        return render(_document(session, _get(session, process_id)))


def find_process(db: Database, key: str) -> str:
    """A process id from its id or its exact title (case and accents ignored)."""
    with db.session() as session:
        if (p := session.get(WorkProcess, key.strip())) is not None and p.deleted_at is None:
            return p.id
        wanted = fold(key)
        matches = [
            pid
            for pid, title in session.exec(
                select(WorkProcess.id, WorkProcess.title).where(
                    col(WorkProcess.deleted_at).is_(None)
                )
            ).all()
            if fold(title) == wanted
        ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ServiceError(f"Flera arbetsprocesser heter ”{key}”; ange id i stället.")
    raise NotFound(f"Ingen arbetsprocess heter ”{key}”. Sök med: ungtui process search ORD")


def _versions(session: Session, process_id: str) -> list[VersionRow]:
    rows = session.exec(
        select(Version, Staff.name)
        .join(Staff, col(Staff.id) == Version.author_id, isouter=True)
        .where(Version.process_id == process_id, col(Version.deleted_at).is_(None))
        .order_by(col(Version.version).desc(), col(Version.created_at).desc())
    ).all()
    return [
        VersionRow(v.version, clock.local_time(v.created_at).strftime("%Y-%m-%d %H:%M"), name or "")
        for v, name in rows
    ]


def version_text(db: Database, process_id: str, version: int) -> str:
    with db.session() as session:
        row = session.exec(
            select(Version)
            .where(
                Version.process_id == process_id,
                Version.version == version,
                col(Version.deleted_at).is_(None),
            )
            .order_by(col(Version.created_at).desc())
        ).first()
    if row is None:
        raise NotFound(f"Version {version} av arbetsprocessen finns inte.")
    return row.text


def compare_versions(db: Database, process_id: str, older: int, newer: int) -> list[DiffLine]:
    return diff_lines(version_text(db, process_id, older), version_text(db, process_id, newer))


def process_input(db: Database, process_id: str) -> ProcessInput:
    """The process as it stands, as input for an edit."""
    with db.session() as session:
        p = _get(session, process_id)
    return ProcessInput(
        title=p.title,
        what_agreed=p.what_agreed,
        how_done=p.how_done,
        responsible_organisation_id=p.responsible_organisation_id,
        responsible_role=p.responsible_role,
        party_ids=split_ids(p.parties),
        target_groups=[c for c in p.target_groups.split(",") if c],
        min_age=p.min_age,
        max_age=p.max_age,
        measures=p.measures,
        source=p.source,
        agreement_id=p.agreement_id,
        appendix=p.appendix,
        last_reviewed=p.last_reviewed,
        next_review=p.next_review,
        ended_on=p.ended_on,
        ended_by=p.ended_by,
        local_proposal=p.local_proposal,
        ender_full_control=p.ender_full_control,
        continuation_requested=p.continuation_requested,
        commitment_until=p.commitment_until,
    )


# --- writing -----------------------------------------------------------------------


def _validate(session: Session, data: ProcessInput, today: date) -> dict:
    errors: dict[str, str] = {}
    orgs = _organisations(session)
    if not data.title.strip():
        errors["title"] = "Ange en titel för arbetsprocessen."
    if not data.what_agreed.strip():
        errors["what_agreed"] = "Beskriv vad som har överenskommits."
    if not data.how_done.strip():
        errors["how_done"] = "Beskriv hur arbetet bedrivs, gärna steg för steg."
    if not data.responsible_organisation_id:
        errors["responsible_organisation"] = (
            "Ange vilken organisation som ansvarar för att processen hålls aktuell."
        )
    elif data.responsible_organisation_id not in orgs:
        errors["responsible_organisation"] = "Den ansvariga organisationen finns inte."
    if not data.responsible_role.strip():
        errors["responsible_role"] = "Ange vilken roll eller person som ansvarar för processen."
    if any(i not in orgs for i in data.party_ids):
        errors["parties"] = "En av parterna finns inte bland organisationerna."
    unknown = [g for g in data.target_groups if g not in GROUPS]
    if unknown:
        errors["target_groups"] = f"Okänd målgrupp: {', '.join(unknown)}."
    for age in (data.min_age, data.max_age):
        if age is not None and not 0 <= age <= 120:
            errors["ages"] = "Åldrar ska vara mellan 0 och 120 år."
    if (
        data.min_age is not None
        and data.max_age is not None
        and data.min_age > data.max_age
        and "ages" not in errors
    ):
        errors["ages"] = "Lägsta ålder är högre än högsta."
    if data.agreement_id:
        agreement = session.get(Agreement, data.agreement_id)
        if agreement is None or agreement.deleted_at is not None:
            errors["agreement"] = "Överenskommelsen finns inte."
        elif data.appendix is not None and data.appendix not in appendix_numbers(agreement):
            errors["appendix"] = f"Överenskommelsen har ingen bilaga {data.appendix}."
    elif data.appendix is not None:
        errors["appendix"] = "En bilaga hör till en överenskommelse; ange överenskommelsen."
    if data.last_reviewed and data.next_review and data.next_review < data.last_reviewed:
        errors["next_review"] = "Nästa granskning kan inte vara före den senaste."
    if data.ended_on is not None:
        if data.ended_on > today:
            errors["ended_on"] = "Avslutsdatum kan inte ligga i framtiden."
        if not data.ended_by:
            errors["ended_by"] = "Ange vilken part som avslutade processen."
    elif data.ended_by:
        errors["ended_on"] = "Ange vilket datum processen avslutades."
    if data.ended_by and data.ended_by not in orgs:
        errors["ended_by"] = "Parten som avslutade processen finns inte."
    until = None
    if data.ended_on is not None and "ended_on" not in errors:
        months = _commitment_months(session, data.agreement_id) if data.agreement_id else None
        legacy = months is not None and data.ender_full_control is None
        try:
            # Ended before the facts of the rule were asked for: its last day stands.
            until = data.commitment_until if legacy and data.commitment_until else last_day(
                data.ended_on,
                months,
                full_control=data.ender_full_control,
                requested=data.continuation_requested,
                until=data.commitment_until,
            )
        except EndingError as exc:
            errors[exc.field] = str(exc)
    if errors:
        raise ValidationError(errors)
    return {
        "title": " ".join(data.title.split()),
        "what_agreed": data.what_agreed.strip(),
        "how_done": data.how_done.strip(),
        "local_proposal": data.local_proposal.strip(),
        "responsible_organisation_id": data.responsible_organisation_id,
        "responsible_role": data.responsible_role.strip(),
        "parties": ",".join(dict.fromkeys(data.party_ids)),
        "target_groups": ",".join(g for g in GROUPS if g in data.target_groups),
        "min_age": data.min_age,
        "max_age": data.max_age,
        "measures": data.measures.strip(),
        "source": data.source.strip(),
        "agreement_id": data.agreement_id or None,
        "appendix": data.appendix,
        "last_reviewed": data.last_reviewed,
        "next_review": data.next_review,
        "ended_on": data.ended_on,
        "ended_by": data.ended_by or None,
        "ender_full_control": data.ender_full_control if data.ended_on else None,
        "continuation_requested": data.continuation_requested if data.ended_on else None,
        "commitment_until": until,
    }


def _keep_version(uow: UnitOfWork, process: WorkProcess, version_id: str | None) -> None:
    uow.session.flush()
    text = render(_document(uow.session, process))
    uow.create(
        Version(
            **({"id": version_id} if version_id else {}),
            process_id=process.id,
            version=process.version,
            text=text,
            # Shipped content has no author here: it reads the same on every install.
            author_id=None if uow.shipped else uow.actor_id,
        )
    )


def _first_version_id(process_id: str | None) -> str | None:
    # A process created with a given id (shipped content, a file with an id) gets a
    # first version with an id derived from it, so installs that load the same file
    # hold the same version record. Later versions get fresh ids: two installs editing
    # at once must keep both texts.
    if process_id is None:
        return None
    return str(uuid.uuid5(uuid.UUID(process_id), "version-1"))


def save_process(
    db: Database,
    data: ProcessInput,
    *,
    actor_id: str | None,
    process_id: str | None = None,
    new_id: str | None = None,
    version_id: str | None = None,
    today: date | None = None,
    shipped: bool = False,
) -> str:
    """Create or update; every save that changes something keeps the new text as a
    version, so each earlier text stays with its date and author. `version_id` fixes the
    new version's id (the demo uses it to be repeatable); `shipped` marks starting content."""
    on = today or clock.today()
    with UnitOfWork(db, actor_id, shipped=shipped) as uow:
        values = _validate(uow.session, data, on)
        if process_id is None:
            process = uow.create(WorkProcess(**({"id": new_id} if new_id else {}), **values))
            _keep_version(uow, process, version_id or _first_version_id(new_id))
        else:
            process = _get(uow.session, process_id)
            if uow.update(process, **values):
                uow.update(process, version=process.version + 1)
                _keep_version(uow, process, version_id)
    return process.id


def end_process(
    db: Database,
    process_id: str,
    *,
    party_id: str,
    on: date | None = None,
    full_control: bool | None = None,
    requested: bool | None = None,
    until: date | None = None,
    actor_id: str | None,
    version_id: str | None = None,
) -> date | None:
    """A party ends the process by telling the operative steering group on `on`; returns
    the last day it runs (domain.processes.last_day): under an agreement with a commitment
    rule, as long as the other party asked for when the ending party has full control;
    under one that says nothing, the day the parties agreed on, or None."""
    when = on or clock.today()
    with UnitOfWork(db, actor_id) as uow:
        process = _get(uow.session, process_id)
        if process.ended_on is not None:
            raise ServiceError(f"Arbetsprocessen avslutades redan {process.ended_on.isoformat()}.")
        parties = {*split_ids(process.parties), process.responsible_organisation_id}
        if party_id not in parties:
            raise ValidationError({"party": "Bara en part i processen kan avsluta den."})
        if when > clock.today():
            raise ValidationError({"ended_on": "Avslutsdatum kan inte ligga i framtiden."})
        months = _commitment_months(uow.session, process.agreement_id)
        try:
            last = last_day(
                when, months, full_control=full_control, requested=requested, until=until
            )
        except EndingError as exc:
            raise ValidationError({exc.field: str(exc)}) from None
        uow.update(
            process,
            ended_on=when,
            ended_by=party_id,
            ender_full_control=full_control if months is not None else None,
            continuation_requested=requested if months is not None and full_control else None,
            commitment_until=last,
            version=process.version + 1,
        )
        _keep_version(uow, process, version_id)
    return last


def set_last_day(
    db: Database, process_id: str, *, until: date, actor_id: str | None
) -> date:
    """Record the last day the parties agreed on for a process ended under an agreement
    that says nothing about it."""
    with UnitOfWork(db, actor_id) as uow:
        process = _get(uow.session, process_id)
        if process.ended_on is None:
            raise ServiceError("Arbetsprocessen är inte avslutad.")
        if _commitment_months(uow.session, process.agreement_id) is not None:
            raise ServiceError(
                "Överenskommelsen anger hur länge åtagandet gäller; sista dagen sattes när "
                "processen avslutades."
            )
        if until < process.ended_on:
            raise ValidationError(
                {"commitment_until": "Sista dagen kan inte vara före avslutet."}
            )
        if uow.update(process, commitment_until=until):
            uow.update(process, version=process.version + 1)
            _keep_version(uow, process, None)
    return until


# --- Markdown files ------------------------------------------------------------------


class ImportRefused(ServiceError):
    """A file that cannot be brought in; the message names the line and the reason."""


_FIELD_KEYS = {
    "title": "title",
    "what_agreed": "what_agreed",
    "how_done": "how_done",
    "responsible_organisation": "responsible_organisation",
    "responsible_role": "responsible_role",
    "parties": "parties",
    "target_groups": "target_groups",
    "ages": "ages",
    "agreement": "agreement",
    "appendix": "appendix",
    "next_review": "next_review",
    "ended_on": "ended_on",
    "ended_by": "ended_by",
    "full_control": "ender_full_control",
    "requested": "continuation_requested",
    "commitment_until": "commitment_until",
    "local_proposal": "local_proposal",
}


def _find_organisation(orgs: dict[str, Organisation], text: str) -> str | None:
    wanted = fold(text)
    digits = "".join(ch for ch in text if ch.isdigit())
    for org in orgs.values():
        org_digits = "".join(ch for ch in (org.org_nr or "") if ch.isdigit())
        if wanted in (fold(org.name), org.id) or (len(digits) == 10 and digits == org_digits):
            return org.id
    return None


def _resolve(
    session: Session, doc: ProcessDocument, named: dict[str, str] | None = None
) -> ProcessInput:
    """The document's fields as input; organisations by name or number, or by `named`
    (folded name: id), which shipped content uses to refer to its own records."""
    orgs = _organisations(session)

    def org(text: str, key: str) -> str | None:
        if not text:
            return None
        found = (named or {}).get(fold(text)) or _find_organisation(orgs, text)
        if found is None:
            raise MarkdownError(
                doc.lines.get(key, 1),
                f"organisationen ”{text}” finns inte här. Skriv namnet som i ungtui eller "
                "organisationsnumret.",
            )
        return found

    agreement_id = None
    if doc.agreement:
        wanted = fold(doc.agreement)
        for aid, title in session.exec(
            select(Agreement.id, Agreement.title).where(col(Agreement.deleted_at).is_(None))
        ).all():
            if wanted in (fold(title), aid):
                agreement_id = aid
        if agreement_id is None:
            raise MarkdownError(
                doc.lines["agreement"], f"överenskommelsen ”{doc.agreement}” finns inte här."
            )
    return ProcessInput(
        title=doc.title,
        what_agreed=doc.what_agreed,
        how_done=doc.how_done,
        responsible_organisation_id=org(doc.responsible_organisation, "responsible_organisation"),
        responsible_role=doc.responsible_role,
        party_ids=[p for p in (org(name, "parties") for name in doc.parties) if p],
        target_groups=doc.target_groups,
        min_age=doc.min_age,
        max_age=doc.max_age,
        measures=doc.measures,
        source=doc.source,
        agreement_id=agreement_id,
        appendix=doc.appendix,
        last_reviewed=doc.last_reviewed,
        next_review=doc.next_review,
        ended_on=doc.ended_on,
        ended_by=org(doc.ended_by, "ended_by"),
        local_proposal=doc.local_proposal,
        ender_full_control=doc.ender_full_control,
        continuation_requested=doc.continuation_requested,
        commitment_until=doc.commitment_until,
    )


@dataclass(frozen=True)
class ImportResult:
    process_id: str
    created: bool
    changed: bool


def import_process(
    db: Database,
    text: str,
    *,
    actor_id: str | None,
    new_id: str | None = None,
    today: date | None = None,
    shipped: bool = False,
    organisations: dict[str, str] | None = None,
) -> ImportResult:
    """Bring in a Markdown file: a new process, or a new version of the one its `id`
    names. Nothing is saved unless the whole file is right. `organisations` (name: id)
    names the records shipped content refers to."""
    named = {fold(name): oid for name, oid in (organisations or {}).items()}
    try:
        doc = parse(text)
        with db.session() as session:
            data = _resolve(session, doc, named)
            existing = session.get(WorkProcess, doc.id) if doc.id else None
            before = existing.version if existing and existing.deleted_at is None else None
    except MarkdownError as exc:
        raise ImportRefused(f"Filen lästes inte in: {exc}") from exc
    try:
        if before is not None:
            assert doc.id is not None
            process_id = save_process(db, data, actor_id=actor_id, process_id=doc.id, today=today)
        else:
            process_id = save_process(
                db, data, actor_id=actor_id, new_id=doc.id or new_id, today=today, shipped=shipped
            )
    except ValidationError as exc:
        field_name, reason = next(iter(exc.errors.items()))
        line = doc.lines.get(_FIELD_KEYS.get(field_name, ""), 1)
        raise ImportRefused(f"Filen lästes inte in: rad {line}: {reason}") from exc
    with db.session() as session:
        after = _get(session, process_id).version
    return ImportResult(process_id, before is None, before is None or after != before)


# --- for one person ------------------------------------------------------------------


def applicable_for(
    db: Database, individual_id: str, today: date | None = None
) -> tuple[list[ApplicableRow], str]:
    """Active processes whose target groups fit the person today, best first, and a
    Swedish line saying which groups the person is in."""
    on = today or clock.today()
    with db.session() as session:
        person = session.get(Individual, individual_id)
        if person is not None and person.merged_into:
            person = session.get(Individual, person.merged_into)
        if person is None or person.deleted_at is not None:
            raise NotFound("Personen finns inte längre i registret.")
        processes = session.exec(
            select(WorkProcess).where(
                col(WorkProcess.deleted_at).is_(None),
                WorkProcess.target_groups != "",
            )
        ).all()
        agreements = {
            a.id: a
            for a in session.exec(select(Agreement).where(col(Agreement.deleted_at).is_(None)))
        }
        orgs = _organisations(session)
    facts = person_facts(person)
    targets = [
        ProcessTarget(
            id=p.id,
            title=p.title,
            target_groups=tuple(c for c in p.target_groups.split(",") if c),
            min_age=p.min_age,
            max_age=p.max_age,
            rules=rules_for(agreements.get(p.agreement_id or "")),
        )
        for p in processes
        if process_state(p.ended_on, p.commitment_until, on) == "aktiv"
    ]
    by_id = {p.id: p for p in processes}
    found: list[Applicable] = applicable_processes(facts, targets, on)
    rows = [
        ApplicableRow(
            id=a.process_id,
            title=a.title,
            reason=", ".join(m.label for m in a.matched),
            responsible=_responsible(
                orgs,
                by_id[a.process_id].responsible_organisation_id,
                by_id[a.process_id].responsible_role,
            ),
        )
        for a in found
    ]
    groups = ", ".join(g.label for g in target_groups(facts, on))
    return rows, groups or "ingen målgrupp"
