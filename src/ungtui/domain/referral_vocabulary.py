"""Referral kinds and outcomes: codes are stored, Swedish labels are shown."""

from __future__ import annotations

# Where the person is referred (seeds 002–004: AF's assignments to providers, the SYV at
# adult education for an utbildningskontrakt, Jobbcenter, En väg in, ...). A kommun's
# referral to AF (inskrivning, KAA to AF) is a kind of its own: it was "Annat".
REFERRAL_KINDS: dict[str, str] = {
    "employment_service": "Arbetsförmedlingen",
    "provider": "Anvisning till leverantör",
    "adult_education": "Vuxenutbildning/SYV",
    "labour_market": "Arbetsmarknadsenhet/Jobbcenter",
    "social_services": "Socialtjänsten",
    "social_insurance": "Försäkringskassan",
    "one_way_in": "En väg in",
    "other": "Annat",
}

# What came of a finished measure (the outcomes in DOMAIN.md, plus an interrupted one).
REFERRAL_OUTCOMES: dict[str, str] = {
    "work": "Arbete",
    "work_subsidised": "Arbete med stöd",
    "studies": "Studier",
    "other_measure": "Vidare till annan insats",
    "interrupted": "Avbruten",
    "still_seeking": "Fortsatt arbetssökande",
}

# The kind a referral to an organisation of this kind usually is (vocabulary
# ORGANISATION_KINDS): the form offers it until the user picks one. A kommun has many
# receiving units, so none is guessed for it.
KIND_FOR_ORGANISATION: dict[str, str] = {
    "af": "employment_service",
    "fk": "social_insurance",
    "leverantor": "provider",
}
