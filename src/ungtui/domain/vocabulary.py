"""Fixed choices and their Swedish labels. Codes are stored; labels are shown."""

from __future__ import annotations

ORGANISATION_KINDS: dict[str, str] = {
    "af": "Arbetsförmedlingen",
    "kommun": "Kommun",
    "fk": "Försäkringskassan",
    "leverantor": "Leverantör",
    "annan": "Annan",
}

GENDERS: dict[str, str] = {
    "kvinna": "Kvinna",
    "man": "Man",
    "annat": "Annat",
    "okänt": "Okänt",
}

STATUSES: dict[str, str] = {
    "aktiv": "Aktiv",
    "vilande": "Vilande",
    "avslutad": "Avslutad",
}

IDENTITY_KINDS: dict[str, str] = {
    "personnummer": "Personnummer",
    "samordningsnummer": "Samordningsnummer",
    "reservnummer": "Reservnummer",
}

CONSENT_FORMS: dict[str, str] = {
    "skriftligt": "Skriftligt",
    "muntligt": "Muntligt",
}

# Under 18: how a consent was obtained. Recorded as the caseworker assessed it; the app
# does not decide whether a guardian's consent was needed.
MINOR_BASES: dict[str, str] = {
    "vardnadshavare": "Vårdnadshavare har samtyckt",
    "mognad": "Den unga har själv samtyckt och bedöms mogen nog",
}

# What a consent lets one party disclose to another, in the order forms list them. Every
# stored field belongs to one of them (domain.data_categories holds the table). Health is
# special-category data (GDPR art. 9); health and social circumstances never travel
# without a consent that names them.
DATA_CATEGORIES: dict[str, str] = {
    "identitet": "Identitet",
    "kontakt": "Kontaktuppgifter",
    "utbildning": "Utbildning och skolgång",
    "arbete": "Arbete och insatser",
    "halsa": "Hälsa och funktionsnedsättning",
    "ekonomi": "Ekonomi och försörjning",
    "social": "Sociala förhållanden",
    "anteckningar": "Anteckningar",
}


def label(vocabulary: dict[str, str], code: str | None) -> str:
    if not code:
        return ""
    return vocabulary.get(code, code)


# Field names as the user reads them, in histories and the audit log.
FIELD_LABELS: dict[str, str] = {
    "identity_number": "Identitetsnummer",
    "identity_kind": "Typ av nummer",
    "reserve_id": "Reservnummer",
    "birth_date": "Födelsedatum",
    "first_name": "Förnamn",
    "last_name": "Efternamn",
    "gender": "Kön",
    "phone": "Telefon",
    "email": "E-post",
    "address": "Adress",
    "in_upper_secondary": "Går i gymnasieskolan",
    "has_upper_secondary_diploma": "Har gymnasieexamen",
    "residence_permit_date": "Första uppehållstillstånd",
    "establishment_from": "I etableringsprogrammet från",
    "establishment_until": "I etableringsprogrammet till",
    "compulsory_school_done_on": "Grundskolan klar (skolplikten fullgjord)",
    "municipality": "Folkbokförd i kommun",
    "af_status": "Status hos Arbetsförmedlingen",
    "status": "Status",
    "case_organisation_id": "Organisation med ärendet",
    "purpose": "Syfte",
    "data_categories": "Uppgifter",
    "form": "Form",
    "valid_from": "Giltigt från",
    "valid_to": "Giltigt till",
    "withdrawn_on": "Återkallat",
    "staff_id": "Handläggare",
    "organisation_id": "Organisation",
    "recorded_by": "Registrerat av",
    "discloser_organisation_id": "Lämnas ut av",
    "discloser_domain": "Lämnas ut av nämnd",
    "receiver_domain": "Mottagande nämnd",
    "purposes": "Syften",
    "minor_basis": "Under 18",
    "minor_note": "Bedömning av mognad",
}
