"""Ctrl+P: find a person by name or number, or a work process by its words, from
anywhere."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import cast

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.widgets.option_list import Option

from ungtui.domain.fields import for_display
from ungtui.tui.app_base import UngAppBase
from ungtui.tui.widgets.masking import shown_identity, shown_name

MAX_HITS = 20


class Palette(CommandPalette):
    """Textual's command palette, saying in Swedish that nothing was found."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # As CommandPalette's own (Textual 8), with the one English sentence in Swedish.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text("Inga träffar", style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


class PersonCommands(Provider):
    async def search(self, query: str) -> Hits:
        app = cast(UngAppBase, self.app)
        if getattr(app, "user", None) is None or len(query.strip()) < 2:
            return
        # Imported when first searched: the app's first screen does not wait for them.
        from ungtui.services.people.individuals import IndividualFilter, list_individuals

        rows = await asyncio.to_thread(
            list_individuals, app.db, IndividualFilter(text=query), limit=MAX_HITS
        )
        matcher = self.matcher(query)
        for row in rows:
            share = getattr(app, "screen_share", False)
            shown = shown_identity(row.identity, row.identity_kind, False, share)
            title = for_display(f"{shown_name(row.name, share)}  {shown}")
            yield Hit(
                max(matcher.match(row.name), 0.5),
                highlighted(matcher, title),
                partial(app.open_person, row.id),
                text=title,
                help=f"Öppna deltagare · {row.status}",
            )

    async def discover(self) -> Hits:
        app = cast(UngAppBase, self.app)
        if getattr(app, "user", None) is None:
            return
        yield DiscoveryHit("Ny deltagare", app.action_new_individual, help="Registrera en person")


class ProcessCommands(Provider):
    """Work processes through the same full-text search as F5 (prefix and accent-
    insensitive), best first: a question in a meeting is answered from any screen."""

    async def search(self, query: str) -> Hits:
        app = cast(UngAppBase, self.app)
        if getattr(app, "user", None) is None or len(query.strip()) < 2:
            return
        from ungtui.services.processes import processes
        from ungtui.store.process_search import ProcessQuery

        rows = await asyncio.to_thread(
            processes.search, app.db, ProcessQuery(query), limit=MAX_HITS
        )
        for rank, row in enumerate(rows):
            # The full-text search ranked them already (words, prefixes, accents, bodies);
            # the palette's letter matcher would reorder them by scattered letters.
            title = for_display(row.title)
            yield Hit(
                max(0.9 - rank * 0.02, 0.1),
                Content(title),  # a title from a peer is text, not markup
                partial(app.open_process, row.id),
                text=title,
                help=f"Arbetsprocess · {for_display(row.status)}",
            )


def highlighted(matcher: Matcher, text: str) -> Content:
    """The palette's highlighting of the typed letters, without reading `text` as markup
    (Matcher.highlight would: a name with `[/]` in it broke the palette)."""
    content = Content(text)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


# A few themes, named in Swedish (Textual's own list gives twenty identifiers such as
# "ansi-dark"); the terminal's own colours are there for those who set high contrast.
THEMES = (
    ("Mörkt", "Standard", "textual-dark"),
    ("Ljust", "Svart text på ljus botten", "textual-light"),
    ("Terminalens färger, mörkt", "Som terminalen är inställd, t.ex. hög kontrast", "ansi-dark"),
    ("Terminalens färger, ljust", "Som terminalen är inställd, t.ex. hög kontrast", "ansi-light"),
    ("Nord", "Mörkt och dämpat", "nord"),
    ("Gruvbox", "Mörkt och varmt", "gruvbox"),
    ("Solarized", "Ljust och varmt", "solarized-light"),
)


class ThemeCommands(Provider):
    def _choose(self, theme: str) -> None:
        self.app.theme = theme

    async def discover(self) -> Hits:
        for label, help_text, theme in THEMES:
            yield DiscoveryHit(label, partial(self._choose, theme), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_text, theme in THEMES:
            if (score := matcher.match(label)) > 0:
                yield Hit(
                    score, matcher.highlight(label), partial(self._choose, theme), help=help_text
                )
