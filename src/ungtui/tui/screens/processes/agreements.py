"""Agreements (överenskommelser): the list, and one agreement with its processes."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Markdown, Static

from ungtui.domain.fields import for_display
from ungtui.domain.guarantee import COUNTS
from ungtui.services import clock
from ungtui.services.errors import NotFound, ServiceError, ValidationError
from ungtui.services.processes.agreements import (
    AgreementDetail,
    AgreementRow,
    check_notice,
    get_agreement,
    give_notice,
    list_agreements,
)
from ungtui.services.way.guarantee_rules import set_agreement_guarantee
from ungtui.tui.screens.base import UngScreen
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.screens.way.way_forms import Spec, Values, WayFormScreen, choices
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.plain import plain


def _cell(text: str) -> str:
    return " ".join(text.split()) or "–"


def guarantee_text(a: AgreementDetail) -> str:
    if a.guarantee is None:
        return "ingen (g lägger till en om överenskommelsen har en)"
    return a.guarantee.text()


def commitment_text(a: AgreementDetail) -> str:
    if a.process_commitment_months is None:
        return "anges inte; en avslutad process står kvar tills parterna bestämt sista dagen"
    return (
        f"upp till {a.process_commitment_months} månader, om parten som avslutar har full "
        "rådighet och den andra parten begär det"
    )


def agreement_markdown(a: AgreementDetail) -> str:
    until = a.valid_until.isoformat() if a.valid_until else "tills vidare"
    start = f"från {a.valid_from.isoformat()}" if a.valid_from else "startdag anges inte"
    notice = f"{a.notice_months} månader" if a.notice_months is not None else "anges inte"
    lines = [
        "| Uppgift | |",
        "|---|---|",
        f"| Status | {_cell(a.state_text)} |",
        f"| Gäller | {start}, {until} |",
        f"| Uppsägningstid | {notice} |",
    ]
    if a.notice_given_on:
        lines.append(f"| Uppsagd | {a.notice_given_on.isoformat()} av {_cell(a.notice_given_by)} |")
    revision = a.revision or "anges inte"
    if a.next_revision:
        revision += f"; nästa {a.next_revision.isoformat()}"
    lines += [
        f"| Revidering | {_cell(revision)} |",
        f"| Garanti om insats | {guarantee_text(a)} |",
        f"| Avsluta en arbetsprocess | {commitment_text(a)} |",
        "",
        "## Parter",
        "",
    ]
    lines += [f"- {p.name}" + (f", org.nr {p.org_nr}" if p.org_nr else "") for p in a.parties]
    lines += ["", "## Syfte", "", a.purpose or "–", "", "## Målgrupper", ""]
    for g in a.target_groups:
        ages = g.ages()
        lines.append(f"- {g.label}" + (f" ({ages})" if ages else ""))
    lines += ["", "## Mål och indikatorer", ""]
    for number, goal in enumerate(a.goals, start=1):
        lines.append(f"{number}. {goal.goal}")
        for i in goal.indicators:
            year = f"{i.year}: " if i.year else ""
            compared = f" (jämförs med {i.baseline})" if i.baseline else ""
            lines.append(f"    - {i.indicator} – {year}{i.target or 'målnivå saknas'}{compared}")
    if not a.goals:
        lines.append("–")
    lines += ["", "## Bilagor", ""]
    lines += [f"{x.number}. {x.title}" for x in a.appendices] or ["–"]
    lines.append("")
    return "\n".join(lines)


class AgreementsScreen(UngScreen[None]):
    BINDINGS = [
        Binding("escape", "back", "Tillbaka", id="agreements_back"),
        Binding("enter", "open", "Öppna", id="open_agreement_row", priority=True),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Överenskommelser", classes="screen-title")
        yield FittedTable(
            (
                Column("title", "Överenskommelse", 48, grow=True, least=24),
                Column("parties", "Parter", 30, priority=1),
                Column("from", "Från", 10, priority=2),
                Column("state", "Status", 30, grow=True, least=16),
            ),
            detail="agreements-detail",
            id="agreements",
            cursor_type="row",
        )
        yield RowDetail(id="agreements-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        rows = list_agreements(self.app.db)
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[AgreementRow]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            table.add_row(
                row.title,
                row.parties,
                row.valid_from.isoformat() if row.valid_from else "anges inte",
                row.state_text,
                key=row.id,
            )
        if not rows:
            self.notify(
                "Inga överenskommelser än. Tryck l under F5 för att läsa in startinnehållet.",
                severity="warning",
            )

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            if key:
                self.app.push_screen(AgreementDetailScreen(key))


class AgreementDetailScreen(UngScreen[None]):
    DEFAULT_CSS = """
    AgreementDetailScreen #agreement-body { padding: 0 1; }
    AgreementDetailScreen #agreement-processes { height: auto; max-height: 12; }
    """
    BINDINGS = [
        Binding("escape", "back", "Tillbaka", id="agreement_back"),
        Binding("g", "guarantee", "Garanti", id="agreement_guarantee"),
        Binding("u", "notice", "Säg upp", id="agreement_notice"),
    ]

    def __init__(self, agreement_id: str) -> None:
        super().__init__()
        self.agreement_id = agreement_id
        self._detail: AgreementDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="agreement-body"):
            yield Static("", id="agreement-title", classes="screen-title")
            yield Markdown("", id="agreement-text")
            yield Static(
                "Arbetsprocesser i överenskommelsen (Enter öppnar)", classes="section-title"
            )
            yield FittedTable(
                (
                    Column("appendix", "Bilaga", 6),
                    Column("title", "Arbetsprocess", 60, grow=True, least=30),
                ),
                id="agreement-processes",
                cursor_type="row",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#agreement-processes", DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        try:
            detail = get_agreement(self.app.db, self.agreement_id)
        except NotFound as exc:
            self.notify(str(exc), severity="error")
            self.app.call_from_thread(self.dismiss)
            return
        self.app.call_from_thread(self._show, detail)

    def _show(self, detail: AgreementDetail) -> None:
        self._detail = detail
        self.query_one("#agreement-title", Static).update(plain(detail.title))
        text = for_display(agreement_markdown(detail), multiline=True)
        self.query_one("#agreement-text", Markdown).update(text)
        table = self.query_one("#agreement-processes", DataTable)
        table.clear()
        for pid, title, appendix in detail.processes:
            table.add_row("" if appendix is None else str(appendix), title, key=pid)

    @on(DataTable.RowSelected, "#agreement-processes")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.open_process(event.row_key.value)

    def action_guarantee(self) -> None:
        detail = self._detail
        if detail is None:
            return
        own = detail.guarantee
        agreement_id = self.agreement_id
        actor = self.actor_id

        def number(values: Values, name: str) -> int | None:
            raw = str(values[name]).strip()
            if not raw:
                return None
            if not raw.isdigit():
                raise ValidationError({name: "Skriv ett heltal, till exempel 24."})
            return int(raw)

        def save(values: Values) -> None:
            lowest, highest = number(values, "min_age"), number(values, "max_age")
            days = number(values, "days")
            try:
                set_agreement_guarantee(
                    self.app.db,
                    agreement_id,
                    min_age=lowest,
                    max_age=highest,
                    days=days,
                    counts=str(values["counts"]),
                    actor_id=actor,
                )
            except ValidationError as exc:
                # The service names the age pair "ages"; show it at the lowest age.
                errors = dict(exc.errors)
                if "ages" in errors:
                    errors["min_age"] = errors.pop("ages")
                raise ValidationError(errors) from None

        def value(n: int | None) -> str:
            return "" if n is None else str(n)

        ages_days = (own.min_age, own.max_age, own.days) if own else (None, None, None)
        specs = [
            Spec("min_age", "Lägsta ålder när hen tackar ja", value=value(ages_days[0]), row=1),
            Spec("max_age", "Högsta ålder (ingår)", value=value(ages_days[1]), row=1),
            Spec("days", "Dagar till insats", value=value(ages_days[2]), row=1),
            Spec(
                "counts",
                "Vad som räknas som insats",
                "select",
                own.counts if own else "arbete_studier",
                choices(COUNTS),
            ),
        ]
        intro = (
            "Bara om överenskommelsen lovar en insats inom viss tid, som Ungdomskontraktet i "
            "Västerås (16–24 år, 90 dagar). Garantin gäller den vars ärende en part har och "
            "räknas från dagen personen tackade ja. Lämna åldrar och dagar tomma om "
            "överenskommelsen inte har någon garanti."
        )

        def done(result: str | None) -> None:
            if result is not None:
                self.load()

        self.app.push_screen(
            WayFormScreen(
                f"Garanti i {detail.title}",
                specs,
                save,
                intro=intro,
                done="Överenskommelsens garanti är sparad.",
            ),
            done,
        )

    def action_notice(self) -> None:
        """A form for who gives notice and when; then a question showing the last day."""
        detail = self._detail
        if detail is None:
            return
        if detail.notice_given_on is not None:
            self.notify(f"Överenskommelsen är redan uppsagd: {detail.state_text}.")
            return
        db, agreement_id = self.app.db, self.agreement_id
        user = self.app.user
        parties = [(p.name, p.id) for p in detail.parties]
        mine = user.organisation_id if user else ""
        silent = detail.notice_months is None

        def check(values: Values) -> str:
            on, _last = check_notice(
                db,
                agreement_id,
                on_text=str(values["on"]),
                party_id=str(values["party"]) or None,
                last_day_text=str(values.get("last_day", "")),
            )
            return f"{on.isoformat()}|{values['party']}|{values.get('last_day', '')}"

        def confirm(result: str | None) -> None:
            if not result:
                return
            on_text, party_id, last_text = result.split("|")
            on, last = check_notice(
                db, agreement_id, on_text=on_text, party_id=party_id, last_day_text=last_text
            )
            party = next(name for name, pid in parties if pid == party_id)
            if not silent:
                what = (
                    f"Med {detail.notice_months} månaders uppsägningstid gäller den t.o.m. "
                    f"{last.isoformat() if last else ''}, sedan upphör den."
                )
            elif last is not None:
                what = (
                    f"Överenskommelsen anger ingen uppsägningstid; parterna har bestämt att den "
                    f"gäller t.o.m. {last.isoformat()}."
                )
            else:
                what = (
                    "Överenskommelsen anger ingen uppsägningstid, så den står som uppsagd utan "
                    "sista dag tills parterna har bestämt en."
                )

            def answer(choice: str | None) -> None:
                if choice == "notice":
                    self._give_notice(on, party_id, last if silent else None)

            self.app.push_screen(
                ConfirmScreen(
                    "Säga upp överenskommelsen?",
                    f"{party} säger upp {detail.title} {on.isoformat()}. {what} Uppsägningen "
                    "loggas och följer med vid synk.",
                    [("cancel", "Avbryt"), ("notice", "Säg upp")],
                ),
                answer,
            )

        specs = [
            Spec(
                "party",
                "Part som säger upp",
                "select",
                mine if mine in {pid for _n, pid in parties} else "",
                parties,
            ),
            Spec(
                "on",
                "Dag då uppsägningen lämnades",
                "date",
                value=clock.today().isoformat(),
            ),
        ]
        intro = (
            "Uppsägning sker i den strategiska styrgruppen. Överenskommelsen gäller under "
            "uppsägningstiden och upphör sedan."
        )
        if silent:
            specs.append(
                Spec(
                    "last_day",
                    "Sista dag, om parterna har bestämt en",
                    "date",
                    placeholder="annars tomt",
                )
            )
            intro = (
                "Uppsägning sker i den strategiska styrgruppen. Överenskommelsen anger ingen "
                "uppsägningstid: ange sista dagen om parterna har kommit överens om en."
            )
        self.app.push_screen(
            WayFormScreen(
                f"Säg upp {detail.title}",
                specs,
                check,
                intro=intro,
                done="Kontrollera och bekräfta uppsägningen.",
            ),
            confirm,
        )

    @work(thread=True, exclusive=True, group="notice", exit_on_error=False)
    def _give_notice(self, on, party_id: str, last=None) -> None:
        try:
            last = give_notice(
                self.app.db,
                self.agreement_id,
                on=on,
                party_id=party_id,
                actor_id=self.actor_id,
                last_day=last,
            )
        except ServiceError as exc:
            self.notify(str(exc), severity="error")
            return
        if last is None:
            self.notify("Överenskommelsen är uppsagd; sista dagen är inte bestämd.")
        else:
            self.notify(f"Överenskommelsen är uppsagd och gäller t.o.m. {last.isoformat()}.")
        self.app.call_from_thread(self.load)

    def action_back(self) -> None:
        self.dismiss()
