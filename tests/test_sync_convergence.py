"""Every install that has received the same changes shows the same data (sync.md §4).

A Hypothesis state machine drives 3–5 installs of one organisation through random
creates, edits, removals, consents and confirmed duplicate merges, and passes change sets
between them in any order, with repeats and losses. After a final exchange every dump and
every list of open conflicts must be identical.
"""

from __future__ import annotations

import contextlib
import difflib
import itertools
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tests.sync_helpers import Install
from ungtui.services.consent.consents import (
    ConsentInput,
    add_consent,
    list_consents,
    withdraw_consent,
)
from ungtui.services.errors import ServiceError, ValidationError
from ungtui.services.people.individuals import (
    IndividualInput,
    remove_individual,
    save_individual,
)
from ungtui.services.sync.sync import (
    Sender,
    build_changes,
    confirm_duplicate,
    duplicate_queue,
    import_changes,
    open_conflicts,
)
from ungtui.store.models import Individual
from ungtui.sync import hlc

# A few fictional numbers (Skatteverket test serials), so the same person is registered
# on two installs now and then.
NUMBERS = ["811218-9876", "000229-9824", "121212-1212", ""]
PHONES = ["070-100 00 01", "070-200 00 02", "070-300 00 03"]
NAMES = ["Ek", "Öberg", "Åkesson"]


class Installs(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # A wall clock that moves 1 ms per reading makes every run reproducible, so
        # Hypothesis can shrink a failure; real clocks only add ties, which the dot's
        # site part breaks.
        self.real_wall = hlc.wall_millis
        start = self.real_wall()
        ticks = itertools.count()
        hlc.wall_millis = lambda: start + next(ticks)
        self.tmp = Path(tempfile.mkdtemp(prefix="ungtui-sync-"))
        self.installs: list[Install] = []
        self.people: list[str] = []
        self.mail: list[tuple[object, Sender]] = []

    @initialize(count=st.integers(3, 5))
    def start(self, count: int) -> None:
        first = Install(self.tmp / "0.db", "Karin Lind")
        # Two people everyone knows from the start, so edits can meet from the first step.
        for number in NUMBERS[:2]:
            fields = IndividualInput(identity=number, first_name="Kim", last_name="Lund")
            self.people.append(
                save_individual(
                    first.db,
                    fields,
                    actor_id=first.user.staff_id,
                    organisation_id=first.user.organisation_id,
                )
            )
        self.installs = [first]
        for n in range(1, count):
            self.installs.append(Install(self.tmp / f"{n}.db", f"Handläggare {n}", join=first))

    def teardown(self) -> None:
        hlc.wall_millis = self.real_wall
        for install in self.installs:
            install.db.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def shown(self, install, person_id) -> Individual | None:
        """The person get_individual shows for this id (a merged one's survivor), None
        where it says they are gone. Only the record, not the rest of get_individual's
        page (consents, history): that took a quarter of this test's time, and which
        install edits whom is all this picks."""
        with install.db.session() as session:
            person = session.get(Individual, person_id)
            if person is not None and person.merged_into:
                person = session.get(Individual, person.merged_into)
        return person if person is not None and person.deleted_at is None else None

    def knows(self, install, person_id) -> bool:
        return self.shown(install, person_id) is not None

    def pick(self, data, items):
        return data.draw(st.sampled_from(items))

    @rule(data=st.data(), number=st.sampled_from(NUMBERS), name=st.sampled_from(NAMES))
    def create(self, data, number, name):
        at = self.pick(data, self.installs)
        fields = IndividualInput(
            identity=number, first_name="Alex", last_name=name, birth_date="2004-05-06"
        )
        # A number registered on this install already (perhaps it came by sync) is refused
        # here; on another install the same number is registered, and merged later.
        with contextlib.suppress(ValidationError):
            self.people.append(
                save_individual(
                    at.db,
                    fields,
                    actor_id=at.user.staff_id,
                    organisation_id=at.user.organisation_id,
                )
            )

    def change(self, at, person_id, **values) -> None:
        person = self.shown(at, person_id)
        if person is None:
            return  # removed here meanwhile
        try:
            fields = IndividualInput(
                identity=person.identity_number or "",
                reserve_id=person.reserve_id or "",
                birth_date=person.birth_date.isoformat(),
                first_name=person.first_name,
                last_name=values.get("last_name", person.last_name),
                phone=values.get("phone", person.phone),
            )
            save_individual(
                at.db,
                fields,
                actor_id=at.user.staff_id,
                organisation_id=at.user.organisation_id,
                individual_id=person.id,
            )
        except ServiceError:
            pass  # removed here meanwhile

    @rule(data=st.data(), phone=st.sampled_from(PHONES), name=st.sampled_from(NAMES))
    def edit(self, data, phone, name):
        if not self.people:
            return
        person_id = self.pick(data, self.people)
        # Edit where the person is known, so that concurrent edits happen.
        having = [i for i in self.installs if self.knows(i, person_id)]
        if having:
            values = data.draw(st.sampled_from([{"phone": phone}, {"last_name": name}]))
            self.change(self.pick(data, having), person_id, **values)

    @rule(data=st.data(), phones=st.permutations(PHONES))
    def edit_same_field_on_two(self, data, phones):
        """Two installs change one field of one person before they have exchanged files."""
        if not self.people:
            return
        person_id = self.pick(data, self.people)
        having = [i for i in self.installs if self.knows(i, person_id)]
        if len(having) >= 2:
            first, second = data.draw(st.permutations(having))[:2]
            self.change(first, person_id, phone=phones[0])
            self.change(second, person_id, phone=phones[1])

    @rule(data=st.data())
    def remove(self, data):
        if self.people:
            at = self.pick(data, self.installs)
            with contextlib.suppress(ServiceError):
                remove_individual(at.db, self.pick(data, self.people), actor_id=at.user.staff_id)

    @rule(data=st.data())
    def consent(self, data):
        if not self.people:
            return
        at, person_id = self.pick(data, self.installs), self.pick(data, self.people)
        try:
            existing = [c for c in list_consents(at.db, person_id) if c.withdrawn_on is None]
            if existing and data.draw(st.booleans()):
                withdraw_consent(at.db, existing[0].id, actor_id=at.user.staff_id)
            else:
                add_consent(
                    at.db,
                    person_id,
                    ConsentInput(
                        purposes=["samordning"],
                        organisation_id=at.user.organisation_id,
                        purpose="Planering",
                        data_categories=["kontakt"],
                        valid_from="2026-01-01",
                    ),
                    actor_id=at.user.staff_id,
                )
        except ServiceError:
            pass

    @rule(data=st.data())
    def merge_duplicates(self, data):
        at = self.pick(data, self.installs)
        queue = duplicate_queue(at.db)
        if queue:
            pair = self.pick(data, queue)
            with contextlib.suppress(ServiceError):
                confirm_duplicate(at.db, pair.first_id, pair.second_id)

    @rule(data=st.data(), full=st.booleans())
    def export(self, data, full):
        at = self.pick(data, self.installs)
        changes = build_changes(at.db, for_organisation=at.user.organisation_id, full=full)
        sender = Sender(at.site, at.user.organisation_id)
        self.mail.append((changes, sender))
        # Most files reach someone at once; the rest wait in the mail for `deliver`.
        if data.draw(st.booleans()):
            import_changes(self.pick(data, self.installs).db, changes, sender)

    @rule(data=st.data())
    def deliver(self, data):
        if self.mail:
            changes, sender = self.pick(data, self.mail)
            import_changes(self.pick(data, self.installs).db, changes, sender)

    @invariant()
    def no_person_listed_twice_after_merges(self):
        for install in self.installs:
            with install.db.engine.connect() as conn:
                merged_shown = conn.exec_driver_sql(
                    "SELECT count(*) FROM individual WHERE merged_into = id"
                ).scalar_one()
            assert merged_shown == 0

    def final_exchange(self):
        """Everyone sends everything to everyone, snapshots taken before any import, so
        that no receiver's result depends on the order its files arrive in."""
        for _round in range(2):
            # Each names its organisation, as a file's header does: whose removals they
            # may send depends on it (sync.changes, rule 1).
            outgoing = [
                (
                    build_changes(i.db, for_organisation=None, full=True),
                    Sender(i.site, i.user.organisation_id),
                )
                for i in self.installs
            ]
            for index, receiver in enumerate(self.installs):
                # Each receiver takes the files in another order.
                order = outgoing[index:] + outgoing[:index]
                for changes, sender in reversed(order) if index % 2 else order:
                    if sender.site != receiver.site:
                        import_changes(receiver.db, changes, sender)

    def check_converged(self):
        self.final_exchange()
        dumps = [install.dump() for install in self.installs]
        for other in dumps[1:]:
            # A diff, not a bare inequality: the failing record is what one needs to see.
            diff = "\n".join(difflib.unified_diff(dumps[0].splitlines(), other.splitlines(), n=25))
            assert not diff, diff
        conflicts = [
            [(c.table, c.row_id, c.field, c.versions) for c in open_conflicts(install.db)]
            for install in self.installs
        ]
        assert all(c == conflicts[0] for c in conflicts)


class ConvergingInstalls(Installs):
    def teardown(self) -> None:
        try:
            self.check_converged()
        finally:
            super().teardown()


ConvergingInstalls.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestConvergence = ConvergingInstalls.TestCase
