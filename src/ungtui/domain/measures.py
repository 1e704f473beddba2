"""The measure catalogue (insatser): national measures with their validity, and the rule
that a measure outside its validity cannot be started.

National measures have fixed ids derived from their codes, so every install that seeds
the catalogue makes the same records and sync finds them equal instead of doubled.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

SCOPES: dict[str, str] = {"nationell": "Nationell", "lokal": "Lokal"}

MEASURE_STATUSES: dict[str, str] = {
    "planerad": "Planerad",
    "pagaende": "Pågående",
    "avslutad": "Avslutad",
    "avbruten": "Avbruten",
}

END_REASONS: dict[str, str] = {
    "genomford": "Genomförd enligt plan",
    "arbete": "Fick arbete",
    "studier": "Började studera",
    "annan_insats": "Gick till annan insats",
    "sjukdom": "Sjukdom eller ohälsa",
    "avbrott": "Avbröt själv",
    "flyttat": "Flyttat",
    "ovrigt": "Övrigt",
}

_NAMESPACE = uuid.UUID("6f1d0c52-6a55-4d0e-9a4e-2b7f1c1e7a07")


def national_measure_id(code: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, code))


@dataclass(frozen=True)
class NationalMeasure:
    code: str
    name: str
    provider_kind: str  # domain.vocabulary.ORGANISATION_KINDS
    valid_from: date | None = None
    valid_to: date | None = None  # last day a new decision may start it
    leads_to_work_or_studies: bool = True

    @property
    def id(self) -> str:
        return national_measure_id(self.code)


NATIONAL_MEASURES: tuple[NationalMeasure, ...] = (
    NationalMeasure("utbildningskontrakt", "Utbildningskontrakt", "af"),
    NationalMeasure("traineejobb", "Traineejobb", "af", valid_to=date(2017, 12, 31)),
    NationalMeasure("introduktionsjobb", "Introduktionsjobb", "af", valid_from=date(2018, 5, 1)),
    NationalMeasure("jobbspar", "Jobbspår", "af"),
    NationalMeasure("praktik", "Praktik", "af"),
    NationalMeasure("arbetstraning", "Arbetsträning", "kommun"),
    NationalMeasure("sfi", "SFI, svenska för invandrare", "kommun"),
    NationalMeasure("sprakintroduktion", "Språkintroduktion", "kommun"),
    NationalMeasure("vuxenutbildning", "Vuxenutbildning", "kommun"),
    # Taught in school to prevent drop-out (seed 003): not itself a way to work or studies.
    NationalMeasure(
        "arbetsmarknadskunskap",
        "Arbetsmarknadskunskap (AMK)",
        "kommun",
        leads_to_work_or_studies=False,
    ),
    NationalMeasure("lonebidrag_anstallning", "Lönebidrag för anställning", "af"),
    NationalMeasure("lonebidrag_utveckling", "Lönebidrag för utveckling i anställning", "af"),
    NationalMeasure("lonebidrag_trygghet", "Lönebidrag för trygghet i anställning", "af"),
    NationalMeasure("extratjanst", "Extratjänst", "af"),
    NationalMeasure("kaa", "KAA-insats (kommunala aktivitetsansvaret)", "kommun"),
    NationalMeasure("supported_employment", "Supported employment (SIUS)", "af"),
)


def validity_text(valid_from: date | None, valid_to: date | None) -> str:
    if valid_from and valid_to:
        return f"{valid_from.isoformat()} – {valid_to.isoformat()}"
    if valid_from:
        return f"från {valid_from.isoformat()}"
    if valid_to:
        return f"till {valid_to.isoformat()}"
    return "tills vidare"


def start_refusal(
    name: str, valid_from: date | None, valid_to: date | None, start: date
) -> str | None:
    """Why a measure cannot start on `start`, in Swedish, or None if it can."""
    if valid_from is not None and start < valid_from:
        return f"{name} kan startas först från {valid_from.isoformat()}."
    if valid_to is not None and start > valid_to:
        return (
            f"{name} kan inte startas {start.isoformat()}: inga nya beslut efter "
            f"{valid_to.isoformat()}."
        )
    return None
