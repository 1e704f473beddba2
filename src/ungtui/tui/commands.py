"""Ctrl+P: find a person by name or number from anywhere."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ungtui.services.individuals import IndividualFilter, list_individuals
from ungtui.tui.widgets.masking import shown_identity, shown_name

MAX_HITS = 20


class PersonCommands(Provider):
    async def search(self, query: str) -> Hits:
        app = self.app
        if getattr(app, "user", None) is None or len(query.strip()) < 2:
            return
        rows = await asyncio.to_thread(
            list_individuals, app.db, IndividualFilter(text=query), limit=MAX_HITS
        )
        matcher = self.matcher(query)
        for row in rows:
            share = getattr(app, "screen_share", False)
            shown = shown_identity(row.identity, row.identity_kind, False, share)
            title = f"{shown_name(row.name, share)}  {shown}"
            yield Hit(
                max(matcher.match(row.name), 0.5),
                matcher.highlight(title),
                partial(app.open_individual, row.id),
                help=f"Öppna deltagare · {row.status}",
            )

    async def discover(self) -> Hits:
        app = self.app
        if getattr(app, "user", None) is None:
            return
        yield DiscoveryHit("Ny deltagare", app.action_new_individual, help="Registrera en person")
