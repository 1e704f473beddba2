"""A meeting in progress: the agenda on the left, the chosen item's notes, decisions and
actions on the right. Notes are saved by themselves a moment after typing stops."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Header, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from ungtui.domain.data_categories import CATEGORIES
from ungtui.domain.data_categories import labels as category_labels
from ungtui.domain.fields import for_display
from ungtui.domain.meeting_time import describe
from ungtui.services import clock
from ungtui.services.errors import NotFound, ServiceError, ValidationError
from ungtui.services.meetings.meeting_agenda import (
    MIN_REASON,
    ActionInput,
    ActionRow,
    ItemView,
    MeetingView,
    acknowledge,
    add_action,
    add_decision,
    add_person_item,
    add_topic_item,
    get_meeting,
    remove_action,
    remove_decision,
    remove_item,
    save_notes,
    set_action_done,
    set_full_name_in_minutes,
)
from ungtui.services.meetings.meetings import plan_next_meetings
from ungtui.tui.screens.base import UngScreen
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.screens.meetings.meeting_dialogs import (
    ActionFormScreen,
    AttendeesScreen,
    MinutesScreen,
    PersonPickerScreen,
    TextPromptScreen,
)
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.plain import bold, plain

# Notes are written this long after the last keystroke: well within a second, and
# seldom enough that a fast typist does not write on every key.
AUTOSAVE_SECONDS = 0.6
CARRIED = "carried"


class AgendaList(OptionList):
    BINDINGS = [
        Binding("enter", "screen.write_notes", "Anteckna", id="write_notes"),
        Binding("k", "screen.acknowledge", "Kvittera", id="acknowledge"),
        Binding("f", "screen.full_name", "Fullt namn", id="full_name"),
        Binding("delete", "screen.remove_item", "Ta bort", id="remove_item"),
    ]


class EntryTable(FittedTable):
    BINDINGS = [
        Binding("g", "screen.decision_to_action", "Gör till åtgärd", id="to_action"),
        Binding("r", "screen.decision_to_referral", "Gör till remiss", id="to_referral"),
        Binding("x", "screen.toggle_done", "Klar", id="toggle_done"),
        Binding("delete", "screen.remove_entry", "Ta bort", id="remove_entry"),
    ]


class NoteArea(TextArea):
    BINDINGS = [Binding("escape", "screen.leave_notes", "Klar med anteckningen", id="leave")]

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        # A letter typed here is writing, also in a note locked for missing consent:
        # it must never reach the meeting's shortcuts (t would open "Nytt ämne").
        return character is not None and character.isprintable()

    _told = False  # said once each time the field is entered, not on every letter

    def on_focus(self) -> None:
        self._told = False

    def on_key(self, event) -> None:
        if self.read_only and event.is_printable:
            event.stop()
            event.prevent_default()
            if not self._told:
                self._told = True
                self.notify(
                    "Anteckningen är låst tills samtycke finns eller skälet är kvitterat "
                    "(k i dagordningen).",
                    severity="warning",
                )


class MeetingScreen(UngScreen[None]):
    # The footer shows keys in this order and leaves out from the end what does not fit:
    # at 80 columns, after the agenda's own keys, about four of these. Attendees and the
    # minutes come first, the keys every meeting needs at its start and at its end.
    BINDINGS = [
        Binding("b", "attendees", "Deltagare", id="attendees"),
        Binding("m", "minutes", "Protokoll", id="minutes"),
        Binding("p", "add_person", "Person", id="add_person"),
        Binding("d", "add_decision", "Beslut", id="add_decision"),
        Binding("a", "add_action", "Åtgärd", id="add_action"),
        Binding("t", "add_topic", "Ämne", id="add_topic"),
        Binding("s", "plan_series", "Nästa möten", id="plan_series"),
        Binding("escape", "back", "Tillbaka", id="back"),
    ]

    DEFAULT_CSS = """
    MeetingScreen #meeting-head { height: auto; padding: 0 1; }
    MeetingScreen #meeting-people { height: auto; padding: 0 1; color: $text-muted; }
    MeetingScreen #meeting-body { height: 1fr; }
    MeetingScreen #agenda { width: 34; height: 1fr; }
    MeetingScreen #item-pane { width: 1fr; height: 1fr; padding: 0 1; }
    MeetingScreen #item-title { text-style: bold; color: $accent; height: auto; }
    MeetingScreen #item-warning { color: $error; height: auto; }
    MeetingScreen #item-warning.-acknowledged { color: $warning; }
    MeetingScreen #item-scope { color: $text-muted; height: auto; }
    MeetingScreen #notes { height: 1fr; min-height: 5; }
    MeetingScreen #notes-status { height: auto; color: $text-muted; }
    MeetingScreen #entries { height: auto; max-height: 12; }
    """

    def __init__(self, meeting_id: str) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.view: MeetingView | None = None
        self._item_id: str | None = None  # what the pane shows
        self._notes_item: str | None = None  # whose notes are in the text area
        self._pending: tuple[str, str] | None = None
        self._timer: Timer | None = None
        self._filling = False
        self._notes_loaded = ""
        self._left_for_a_dialog = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="meeting-head")
        yield Static("", id="meeting-people")
        with Horizontal(id="meeting-body"):
            yield AgendaList(id="agenda")
            # Scrolls when a warning, the notes and the decisions do not fit (80×24); the
            # fields in it take the focus and scroll it, so it is no Tab stop itself.
            with VerticalScroll(id="item-pane", can_focus=False):
                yield Static("", id="item-title")
                yield Static("", id="item-warning")
                yield Static("", id="item-scope")
                yield NoteArea(id="notes", soft_wrap=True, show_line_numbers=False)
                yield Static("", id="notes-status")
                yield EntryTable(
                    (
                        Column("kind", "", 6),
                        Column("text", "Beslut eller åtgärd", 32, grow=True, least=20),
                        Column("who", "Ansvarig", 18, priority=1),
                        Column("due", "Klart", 10, priority=2),
                        Column("state", "Läge", 15, priority=1),
                    ),
                    detail="entry-detail",
                    id="entries",
                    cursor_type="row",
                )
                yield RowDetail(id="entry-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(AgendaList).focus()
        self.reload()
        self.watch(self.app, "screen_share", self._redraw, init=False)

    def _redraw(self, _share: bool) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        # Who may be discussed turns on consents, which change elsewhere (a withdrawal
        # under F2, a sync file): read again whenever the meeting is shown again from
        # another screen, or the room goes on seeing a name whose consent is gone. Back
        # from one of its own dialogs the write it made reads again, and a second read
        # racing it could show the meeting as it was before the write.
        if self.view is not None and not self._left_for_a_dialog:
            self.reload()

    # --- loading and showing -----------------------------------------------------

    @work(thread=True, exclusive=True, group="meeting", exit_on_error=False)
    def reload(self) -> None:
        try:
            view = get_meeting(self.app.db, self.meeting_id)
        except NotFound as exc:
            self.notify(str(exc), severity="error")
            self.app.call_from_thread(self.dismiss)
            return
        self.app.call_from_thread(self._show, view)

    def _show(self, view: MeetingView) -> None:
        self.view = view
        place = f" · {view.place}" if view.place else ""
        series = f" · {view.series.lower()}" if view.series else ""
        self.query_one("#meeting-head", Static).update(
            plain(bold(view.title), f" · {view.kind} · {describe(view.starts)}{place}{series}")
        )
        present = ", ".join(
            f"{a.name} ({a.organisation_name}{', extern' if a.external else ''})"
            for a in view.attendees
        )
        keeper = f" · Protokollförare: {view.minutes_keeper}" if view.minutes_keeper else ""
        self.query_one("#meeting-people", Static).update(
            plain(f"Närvarande: {present or 'ingen ännu (b lägger till)'}{keeper}")
        )
        agenda = self.query_one(AgendaList)
        wanted = self._item_id
        options: list[Option] = []
        if view.carried:
            options.append(Option(f"↻ Från tidigare möten ({len(view.carried)})", id=CARRIED))
        for number, item in enumerate(view.items, start=1):
            label = Text(f"{number}. ")
            if item.masked:
                label.append("⚠ ", style="bold red" if item.locked else "bold yellow")
            label.append_text(plain(item.shared_title if self.app.screen_share else item.title))
            options.append(Option(label, id=item.id))
        agenda.clear_options()
        agenda.add_options(options)
        ids = [o.id for o in options]
        if options:
            agenda.highlighted = ids.index(wanted) if wanted in ids else 0
        self._show_item(
            ids[agenda.highlighted] if options and agenda.highlighted is not None else None
        )

    def _current_item(self) -> ItemView | None:
        if self.view is None:
            return None
        return next((i for i in self.view.items if i.id == self._item_id), None)

    @on(OptionList.OptionHighlighted, "#agenda")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id != self._item_id:
            self._show_item(event.option.id)

    def _show_item(self, item_id: str | None) -> None:
        self._save_pending_in_background()
        self._item_id = item_id
        self.refresh_bindings()
        title = self.query_one("#item-title", Static)
        warning = self.query_one("#item-warning", Static)
        notes = self.query_one(NoteArea)
        entries = self.query_one(EntryTable)
        entries.clear()
        self.query_one("#item-pane").scroll_home(animate=False)  # the title and warning first
        # An empty table under its header read as cut off: shown only with rows.
        entries.display = False
        warning.update("")
        warning.display = False
        scope = self.query_one("#item-scope", Static)
        scope.update("")
        scope.display = False
        item = self._current_item()
        if item_id == CARRIED and self.view is not None:
            title.update("Öppna åtgärder från tidigare möten i serien")
            notes.display = False
            self.query_one("#notes-status", Static).update("x markerar en åtgärd som klar.")
            for action in self.view.carried:
                self._add_action_row(entries, action, origin=True)
            entries.display = bool(entries.row_count)
            return
        notes.display = True
        if item is None:
            title.update("Dagordningen är tom." if item_id is None else "")
            self._fill_notes(None, "", read_only=True)
            self.query_one("#notes-status", Static).update(
                "p tar upp en person, t ett ämne, b lägger till deltagare."
            )
            return
        title.update(plain(item.shared_title if self.app.screen_share else item.title))
        if item.missing:
            names = ", ".join(item.missing)
            if item.locked:
                warning.update(
                    plain(
                        f"⚠ Inget samtycke att lämna uppgifter om personen till {names}. "
                        "Personen visas med initialer och födelseår. Diskutera inte personen "
                        "när de är med, eller tryck k och skriv skälet till att ni ändå gör det."
                    )
                )
            else:
                when = f" {item.ack_at:%Y-%m-%d %H:%M}" if item.ack_at else ""
                warning.update(
                    plain(
                        f"⚠ Inget samtycke att lämna uppgifter om personen till {names}. "
                        "Diskuteras ändå, kvitterat av "
                        f"{item.ack_by}{when}: {item.ack_reason}"
                    )
                )
            warning.set_class(not item.locked, "-acknowledged")
            warning.display = True
        elif item.individual_id is not None:
            scope.update(Text(self._scope_line(item)))
            scope.display = True
        notes_shown = item.notes_shown
        self._fill_notes(item.id, item.notes if notes_shown else "", read_only=not notes_shown)
        if item.locked:
            status = (
                "Anteckningar, beslut och åtgärder är låsta tills samtycke finns eller "
                "skälet är kvitterat (k)."
            )
        elif not notes_shown:
            status = "Anteckningar tas inte upp här: samtycket omfattar dem inte för alla."
        else:
            status = "Enter skriver anteckning; den sparas av sig själv."
        if not item.decisions_shown and not item.locked:
            status += " Beslut och åtgärder tas inte upp här: samtycket omfattar dem inte för alla."
        self.query_one("#notes-status", Static).update(status)
        if not item.decisions_shown:
            return  # the status says why
        for decision in item.decisions:
            entries.add_row(
                "Beslut",
                decision.text,
                "",
                "",
                "åtgärd finns" if decision.has_action else "",
                key=f"d:{decision.id}",
            )
        for action in item.actions:
            self._add_action_row(entries, action)
        entries.display = bool(entries.row_count)

    @staticmethod
    def _scope_line(item: ItemView) -> str:
        """What may be said about the person in this room, and what not."""
        shown = [c for c in CATEGORIES if c in item.shared]
        hidden = [c for c in CATEGORIES if c not in item.shared]
        line = f"Får tas upp med alla närvarande: {category_labels(shown)}."
        if hidden:
            line += f" Inte: {category_labels(hidden)}."
        return line

    def _add_action_row(self, entries: EntryTable, action: ActionRow, origin: bool = False) -> None:
        if action.done_at:
            state = f"klar {action.done_at:%Y-%m-%d}"
        elif action.overdue(clock.today()):
            state = "försenad"
        else:
            state = "öppen"
        what = action.what
        if origin:
            person = f" – {action.person}" if action.person else ""
            what = f"{action.what}{person} – möte {action.meeting_label[:10]}"
        entries.add_row(
            "Åtgärd",
            what,
            action.responsible_name,
            action.due_date.isoformat() if action.due_date else "",
            state,
            key=f"a:{action.id}",
        )

    def _fill_notes(self, item_id: str | None, text: str, *, read_only: bool) -> None:
        notes = self.query_one(NoteArea)
        notes.read_only = read_only
        if item_id == self._notes_item and item_id is not None:
            return  # what is typed there is newer than what was read
        self._filling = True
        text = for_display(text, multiline=True)  # what is shown is what is saved on edit
        notes.load_text(text)
        self._filling = False
        self._notes_item = item_id
        self._notes_loaded = text

    # --- autosave ------------------------------------------------------------------

    @on(TextArea.Changed, "#notes")
    def _typed(self, event: TextArea.Changed) -> None:
        if self._filling or self._notes_item is None:
            return
        if self._pending is None and event.text_area.text == self._notes_loaded:
            return  # the change message of load_text itself
        self._pending = (self._notes_item, event.text_area.text)
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(AUTOSAVE_SECONDS, self._save_pending_in_background)
        self.query_one("#notes-status", Static).update("Ändrat …")

    def _take_pending(self) -> tuple[str, str] | None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        pending, self._pending = self._pending, None
        return pending

    def _save_pending_in_background(self) -> None:
        pending = self._take_pending()
        if pending is not None:
            self._save_notes(*pending)

    @work(thread=True, group="notes", exit_on_error=False)
    def _save_notes(self, item_id: str, text: str) -> None:
        save_notes(self.app.db, item_id, text, actor_id=self.actor_id)
        at = clock.local_time(datetime.now(UTC))
        if item_id == self._notes_item:
            self.app.call_from_thread(
                self.query_one("#notes-status", Static).update, f"Sparat {at:%H:%M:%S}."
            )

    def save_now(self) -> None:
        """Write what is typed before the screen goes: quitting loses nothing."""
        pending = self._take_pending()
        if pending is None:
            return
        try:
            save_notes(self.app.db, *pending, actor_id=self.actor_id)
        except ServiceError as exc:
            self.notify(str(exc), severity="error")

    def on_screen_suspend(self) -> None:
        self.save_now()
        self._left_for_a_dialog = isinstance(self.app.screen, ModalScreen)

    def on_unmount(self) -> None:
        self.save_now()

    # --- actions ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that do nothing for the chosen item leave the footer."""
        item = self._current_item()
        if action == "write_notes":
            return item is not None and item.notes_shown
        if action in ("add_decision", "add_action", "remove_item"):
            return item is not None
        if action == "acknowledge":
            return item is not None and bool(item.missing)
        if action == "full_name":
            return item is not None and item.individual_id is not None and not item.missing
        if action == "plan_series":
            return self.view is not None and self.view.series_id is not None
        return True

    @work(thread=True, exclusive=True, group="write", exit_on_error=False)
    def _write(self, change, done: str = "", select: str | None = None) -> None:
        try:
            result = change(self.actor_id)
        except ValidationError as exc:
            self.notify(str(exc), severity="warning")
            return
        except ServiceError as exc:
            self.notify(str(exc), severity="error")
            return
        if done:
            self.notify(done)
        if select == "result" and isinstance(result, str):
            self._item_id = result
        self.reload()

    def action_back(self) -> None:
        self.save_now()
        self.dismiss()

    def action_write_notes(self) -> None:
        item = self._current_item()
        if item is None:
            return
        if item.locked:
            self.notify(
                "Samtycke saknas. Tryck k och skriv skälet om personen ändå ska diskuteras.",
                severity="warning",
            )
            return
        if not item.notes_shown:
            self.notify(
                "Samtycket omfattar inte anteckningar för alla närvarande.", severity="warning"
            )
            return
        self.query_one(NoteArea).focus()

    def action_leave_notes(self) -> None:
        self._save_pending_in_background()
        self.query_one(AgendaList).focus()

    def action_add_person(self) -> None:
        def chosen(individual_id: str | None) -> None:
            if individual_id:
                self._write(
                    lambda actor: add_person_item(
                        self.app.db, self.meeting_id, individual_id, actor_id=actor
                    ),
                    select="result",
                )

        self.app.push_screen(PersonPickerScreen(), chosen)

    def action_add_topic(self) -> None:
        def typed(title: str | None) -> None:
            if title:
                self._write(
                    lambda actor: add_topic_item(
                        self.app.db, self.meeting_id, title, actor_id=actor
                    ),
                    select="result",
                )

        self.app.push_screen(TextPromptScreen("Nytt ämne", "Vad punkten handlar om"), typed)

    def _discussable_item(self) -> ItemView | None:
        item = self._current_item()
        if item is None:
            self.notify("Välj en punkt på dagordningen först.", severity="warning")
            return None
        if item.locked:
            self.notify(
                f"Inget samtycke att lämna uppgifter till {', '.join(item.missing)}. "
                "Kvittera med k först.",
                severity="warning",
            )
            return None
        return item

    def action_add_decision(self) -> None:
        item = self._discussable_item()
        if item is None:
            return

        def typed(text: str | None) -> None:
            if text:
                self._write(lambda actor: add_decision(self.app.db, item.id, text, actor_id=actor))

        self.app.push_screen(TextPromptScreen("Beslut", "Vad som beslutades"), typed)

    def action_add_action(self, what: str = "", decision_id: str | None = None) -> None:
        item = self._discussable_item()
        if item is None or self.view is None:
            return
        if not self.view.attendees:
            self.notify("Lägg först till mötets deltagare (b).", severity="warning")
            return

        def filled(data: ActionInput | None) -> None:
            if data:
                self._write(
                    lambda actor: add_action(
                        self.app.db, item.id, data, actor_id=actor, decision_id=decision_id
                    ),
                    done="Åtgärden är sparad.",
                )

        title = "Åtgärd av beslutet" if decision_id else "Ny åtgärd"
        self.app.push_screen(ActionFormScreen(self.view.attendees, what, title), filled)

    def _entry(self) -> tuple[str, str] | None:
        table = self.query_one(EntryTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        kind, _, entry_id = key.partition(":")
        return kind, entry_id

    def action_decision_to_action(self) -> None:
        entry = self._entry()
        item = self._current_item()
        if entry is None or entry[0] != "d" or item is None:
            self.notify("Markera ett beslut först.", severity="warning")
            return
        decision = next(d for d in item.decisions if d.id == entry[1])
        self.action_add_action(decision.text, decision.id)

    def action_decision_to_referral(self) -> None:
        """A decision about a person becomes a referral draft; the consent gate comes when
        it is sent, as for any referral."""
        from ungtui.tui.screens.referrals.referral_form import ReferralFormScreen

        entry = self._entry()
        item = self._current_item()
        if entry is None or entry[0] != "d" or item is None:
            self.notify("Markera ett beslut först.", severity="warning")
            return
        if item.individual_id is None:
            self.notify("Bara ett beslut om en person kan bli en remiss.", severity="warning")
            return
        decision = next(d for d in item.decisions if d.id == entry[1])
        self.app.push_screen(
            ReferralFormScreen(item.individual_id, purpose=decision.text, origin_id=decision.id)
        )

    def action_toggle_done(self) -> None:
        entry = self._entry()
        if entry is None or entry[0] != "a" or self.view is None:
            self.notify("Markera en åtgärd först.", severity="warning")
            return
        actions = [*self.view.carried, *(a for i in self.view.items for a in i.actions)]
        action = next((a for a in actions if a.id == entry[1]), None)
        if action is None:
            return
        done = action.done_at is None
        self._write(
            lambda actor: set_action_done(self.app.db, action.id, done, actor_id=actor),
            done="Åtgärden är klar." if done else "Åtgärden är öppen igen.",
        )

    def action_remove_entry(self) -> None:
        entry = self._entry()
        if entry is None:
            return
        kind, entry_id = entry
        remove = remove_decision if kind == "d" else remove_action
        self._write(
            lambda actor: remove(self.app.db, entry_id, actor_id=actor),
            done="Beslutet är borttaget." if kind == "d" else "Åtgärden är borttagen.",
        )

    def action_acknowledge(self) -> None:
        item = self._current_item()
        if item is None or not item.missing:
            self.notify("Alla närvarande får höra om punkten; ingen kvittens behövs.")
            return

        def check(text: str) -> str | None:
            if len(" ".join(text.split())) < MIN_REASON:
                return "Skriv skälet till att personen ändå diskuteras (minst tio tecken)."
            return None

        def typed(reason: str | None) -> None:
            if reason:
                self._write(
                    lambda actor: acknowledge(self.app.db, item.id, reason, actor_id=actor),
                    done="Kvittensen är sparad. Personen visas fortfarande maskerad.",
                )

        self.app.push_screen(
            TextPromptScreen(
                "Diskutera personen utan samtycke?",
                "Skäl",
                explanation=(
                    f"Inget samtycke att lämna uppgifter till {', '.join(item.missing)}. "
                    "JO har kritiserat att "
                    "sekretessbelagda uppgifter lämnas i samverkansmöten utan dokumenterat "
                    "samtycke (JO 3507-2017). Ditt namn, tiden och skälet sparas och står i "
                    "protokollet."
                ),
                check=check,
            ),
            typed,
        )

    def action_full_name(self) -> None:
        item = self._current_item()
        if item is None or item.individual_id is None:
            return
        on = not item.full_name_in_minutes
        self._write(
            lambda actor: set_full_name_in_minutes(self.app.db, item.id, on, actor_id=actor),
            done="Protokollet visar fullständigt namn."
            if on
            else "Protokollet visar initialer och födelseår.",
        )

    def action_remove_item(self) -> None:
        item = self._current_item()
        if item is None:
            return

        def answer(choice: str | None) -> None:
            if choice == "remove":
                self._item_id = None
                self._write(
                    lambda actor: remove_item(self.app.db, item.id, actor_id=actor),
                    done="Punkten är borttagen.",
                )

        self.app.push_screen(
            ConfirmScreen(
                "Ta bort punkten?",
                "Punkten tas bort från dagordningen med sina anteckningar, beslut och åtgärder.",
                [("cancel", "Avbryt"), ("remove", "Ta bort")],
            ),
            answer,
        )

    def action_attendees(self) -> None:
        if self.view is None:
            return

        def closed(changed: bool | None) -> None:
            if changed:
                self.reload()

        self.app.push_screen(AttendeesScreen(self.meeting_id, self.view.attendees), closed)

    def action_minutes(self) -> None:
        full_names = self.view is not None and any(
            item.full_name_in_minutes for item in self.view.items
        )
        if self.app.screen_share and full_names:
            # These minutes name people in full: not for a shared screen.
            self.notify(
                "Protokollet visar fullständiga namn. Stäng av skärmdelning (F9) först.",
                severity="warning",
            )
            return
        self._save_pending_in_background()
        self.app.push_screen(MinutesScreen(self.meeting_id))

    def action_plan_series(self) -> None:
        if self.view is None or not self.view.series_id:
            self.notify(
                "Mötet hör inte till en serie. Skapa ett återkommande möte under Möten (n).",
                severity="warning",
            )
            return
        self._write(
            lambda actor: plan_next_meetings(self.app.db, self.meeting_id, actor_id=actor),
            done="Fyra nya möten i serien är planerade; de syns under Möten.",
        )
