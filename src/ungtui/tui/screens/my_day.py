"""Min dag (F10): what waits for me today, the app's start screen. Every line opens its
thing with Enter; a part's heading opens the whole list behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from ungtui.domain.meeting_time import describe_day
from ungtui.services import clock
from ungtui.services.my_day_first import first_parts
from ungtui.tui.screens.base import UngScreen
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.masking import shown_name
from ungtui.tui.widgets.plain import plain
from ungtui.tui.widgets.section_bar import SectionBar

if TYPE_CHECKING:
    from ungtui.services.my_day_first import DayPart

URGENT = "bold red"


class DayList(OptionList):
    BINDINGS = [Binding("enter", "select", "Öppna", id="open_day_line")]


class MyDayScreen(UngScreen[None]):
    DEFAULT_CSS = """
    MyDayScreen #day-title { height: 1; padding: 0 1; text-style: bold; color: $accent; }
    MyDayScreen #day { height: 1fr; border: none; }
    MyDayScreen #day-status { height: 1; padding: 0 1; color: $text-muted; background: $boost; }
    """
    BINDINGS = [Binding("u", "reload", "Uppdatera", id="reload_day")]

    @dataclass
    class Loaded(Message):
        parts: list[DayPart]

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[DayPart] = []
        self.complete = False  # all parts read, not only the first read's

    def compose(self) -> ComposeResult:
        yield Header()
        yield SectionBar("min_dag", self.app.SECTIONS)
        yield Static("", id="day-title")
        yield DayList(id="day")
        yield Static("Hämtar …", id="day-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DayList).focus()
        user = self.app.user
        if user is not None:
            # sqlite3 alone and a few small queries, read here so that the first frame
            # holds the day (as the app reads the user before it); the guarantees and
            # follow-ups wait under their headings for the full read below.
            self.parts = first_parts(self.app.db, user)
        self._show()
        self.app.after_first_frame(self._first_load)  # type: ignore[attr-defined]
        self.watch(self.app, "screen_share", lambda _on: self._show(), init=False)

    def _first_load(self) -> None:
        # The services, and SQLAlchemy under them, are imported here: after the first frame
        # (imported before it, they hold it back) and in the main thread, not the worker's:
        # a screen opened meanwhile (F2) importing the same modules in the main thread
        # would meet half-imported ones.
        import ungtui.services.my_day  # noqa: F401

        self.load()

    def on_screen_resume(self) -> None:
        # Back from a referral or a way: what was done there leaves the list. Not before
        # the first full read: that one imports the services after the first frame.
        if self.complete:
            self.load()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="my-day", exit_on_error=False)
    def load(self) -> None:
        user = self.app.user
        if user is None:
            return
        from ungtui.services.my_day import my_day

        self.post_message(self.Loaded(my_day(self.app.db, user)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.parts = message.parts
        self.complete = True
        self._show()
        self.app.start_settled()  # type: ignore[attr-defined]

    def _show(self) -> None:
        user = self.app.user
        who = f" · {shown_name(user.name, self.app.screen_share)}" if user else ""
        self.query_one("#day-title", Static).update(
            plain(f"Min dag · {describe_day(clock.today())}{who}")
        )
        if not self.parts:
            return  # not read yet (the app's screen_share starts before the worker ends)
        day = self.query_one(DayList)
        keep = day.highlighted_option.id if day.highlighted_option else None
        options: list[Option | None] = []
        for part in self.parts:
            if options:
                options.append(None)
            options.extend(self._part_options(part))
        day.clear_options()
        day.add_options(options)
        ids = [o.id for o in options if o is not None]
        if keep is not None and keep in ids:
            day.highlighted = day.get_option_index(keep)
        elif day.option_count:
            day.highlighted = 0
        if self.complete:
            self.query_one("#day-status", Static).update(
                "Enter öppnar raden, på en rubrik hela listan"
            )

    def _part_options(self, part: DayPart) -> list[Option]:
        count = f" ({part.total})" if part.total else ""
        if part.total is None:
            count = f" ({len(part.lines)} först)"
        options = [Option(plain((part.title + count, "bold")), id=f"all:{part.key}")]
        if not part.lines:
            options.append(Option(plain((f"  {part.empty}", "dim")), disabled=True))
        share = self.app.screen_share
        for index, line in enumerate(part.lines):
            # Names, titles and places are people's words: text, never markup.
            text = plain(
                "  ",
                ("! ", URGENT) if line.urgent else None,
                (shown_name(line.person, share), "bold") if line.person else None,
                " · " if line.person else None,
                (line.text, URGENT if line.urgent else ""),
            )
            whole = f"all:{part.key}:{index}"  # its own id, the heading's action
            options.append(
                Option(text, id=whole if line.whole_list else f"{part.key}:{index}:{line.target}")
            )
        if part.total is None:
            more = Text("  … fler: Enter här visar alla", style="italic")
            options.append(Option(more, id=f"all:{part.key}x"))
        return options

    # --- opening ----------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#day")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        if option_id.startswith("all:"):
            self._open_all(option_id.removeprefix("all:").split(":")[0].rstrip("x"))
            return
        key, _index, target = option_id.split(":", 2)
        self._open_one(key, target)

    def _open_one(self, key: str, target: str) -> None:
        app = self.app
        if key == "remisser":
            app.open_referral(target)
        elif key in ("atgarder", "moten"):
            from ungtui.tui.screens.meetings.meeting import MeetingScreen

            app.push_screen(MeetingScreen(target))
        elif key in ("garanti", "uppfoljningar"):
            from ungtui.tui.screens.way.way import WayScreen

            app.push_screen(WayScreen(target))
        elif key == "synk":
            self._open_sync(target)

    def _open_all(self, key: str) -> None:
        app = self.app
        # A heading promises the whole list: the section's start, not a record left open there.
        if key == "remisser":
            app.open_section_start("remisser")
        elif key == "atgarder":
            from ungtui.tui.screens.meetings.meeting_actions import OpenActionsScreen

            app.push_screen(OpenActionsScreen())
        elif key == "garanti":
            from ungtui.tui.screens.way.guarantee import GuaranteeScreen

            # Min dag counts the user's people: the list it opens is theirs too (v: all).
            app.push_screen(GuaranteeScreen(self._staff_id()))
        elif key == "uppfoljningar":
            from ungtui.tui.screens.way.follow_ups_due import FollowUpsDueScreen

            app.push_screen(FollowUpsDueScreen(self._staff_id()))
        elif key == "moten":
            app.open_section_start("moten")
        elif key == "synk":
            self._open_sync(None)

    def _staff_id(self) -> str | None:
        user = self.app.user
        return user.staff_id if user is not None else None

    def _open_sync(self, organisation_id: str | None) -> None:
        from ungtui.tui.screens.sync.sync import SyncScreen

        self.app.open_section_start("synk")
        screen = self.app.screen
        if isinstance(screen, SyncScreen):
            screen.prepare_export(organisation_id)
