"""A person's way as plain Swedish text: for minutes of a case conference and for
exports. Health and disability stay out unless the caller asks for them."""

from __future__ import annotations

from datetime import date

from ungtui.domain.guarantee import GuaranteeRules
from ungtui.services.way.way import get_way


def way_summary(
    db,
    individual_id: str,
    *,
    include_sensitive: bool = False,
    today: date | None = None,
    rule: GuaranteeRules | None = None,
) -> str:
    overview = get_way(db, individual_id, today=today, rule=rule)
    lines = [f"Väg för {overview.name}"]
    if not overview.ways:
        lines.append("Ingen väg registrerad.")
    for way in overview.ways:
        lines.append("")
        span = f"{way.entry_date.isoformat()} – {way.exit_on.isoformat() if way.exit_on else ''}"
        lines.append(f"Väg {span.rstrip()}: {way.phase_label}")
        if way.joined_on:
            lines.append(f"Tackade ja {way.joined_on.isoformat()}")
        if way.guarantee.state != "ingen":
            lines.append(f"Garanti ({way.guarantee.agreement}): {way.guarantee.label}")
            if way.guarantee.deadline:
                lines.append(f"  gräns {way.guarantee.deadline.isoformat()}")
        for phase in way.phases:
            note = f" ({phase.note})" if phase.note else ""
            lines.append(f"  {phase.started_on.isoformat()} {phase.label}{note}")
        for m in way.measures:
            end = m.end_date.isoformat() if m.end_date else ""
            hours = f", {m.hours_per_week:g} tim/v" if m.hours_per_week else ""
            reason = f", {m.end_reason_label}" if m.end_reason else ""
            lines.append(
                f"  Insats: {m.name} {m.start_date.isoformat()}–{end} {m.status_label}"
                f"{hours}{reason}"
            )
        if way.exit_on:
            lines.append(f"  Avslut {way.exit_on.isoformat()}: {way.exit_outcome_label}")
            for f in way.follow_ups:
                found = f"{f.checked_on.isoformat()} {f.outcome_label}" if f.checked_on else "–"
                lines.append(f"  Uppföljning {f.day_offset} d ({f.due.isoformat()}): {found}")
    mapping = overview.mapping
    if mapping is not None:
        lines += [
            "",
            f"Kartläggning {mapping.mapped_on.isoformat()}",
            f"  Skolbakgrund: {mapping.schooling_label}",
            f"  Svenska: {mapping.swedish_label}",
            f"  Arbetslivserfarenhet: {mapping.work_experience or '–'}",
            f"  Behov: {mapping.needs or '–'}",
            f"  Hinder: {mapping.obstacles or '–'}",
            f"  Mål: {mapping.goals or '–'}",
        ]
        if include_sensitive:
            lines += [
                f"  Hälsa: {mapping.health or '–'}",
                f"  Funktionsnedsättning: {mapping.disability or '–'}",
            ]
    return "\n".join(lines) + "\n"
