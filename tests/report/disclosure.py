"""An attacker's view of an exported report: every number it shows, and every number that
can be worked out from them by the relations anyone can see — a total is the sum of its
parts, a group holds its subgroups, a count holds the counts within it, a share times its
whole is its part. Written from the definitions of the groups and figures, apart from
the code that hides the cells, so that it checks that code rather than repeats it.
"""

from __future__ import annotations

import json

GENDERS = ("kvinna", "man", "annat")
REFERRAL_KINDS = (
    "employment_service",
    "provider",
    "adult_education",
    "labour_market",
    "social_services",
    "social_insurance",
    "one_way_in",
    "other",
)
# Counts whose people are all among another count's, in every subgroup and gender.
WITHIN = (
    ("arbetslosa", "borjar_arbete_studier"),
    ("borjar_arbete_studier", "borjar_arbete"),
    ("borjar_arbete_studier", "borjar_studier"),
    ("aktiva", "kaa_utan_aktivitet"),
    ("personer", "aktiva"),
    ("personer", "inskrivna_af"),
    ("inskrivna_af", "oppet_arbetslosa"),
    ("inskrivna_af", "inskrivna_af_sysselsattning"),
    ("avslut", "avslut_arbete"),
    ("avslut", "avslut_studier"),
    ("avslut", "avslut_program"),
)
OUTCOMES = (
    "arbete",
    "arbete_subvention",
    "studier",
    "program",
    "annan_insats",
    "flyttat",
    "okant",
    "ekonomiskt_bistand",
)
# share -> (its part: a count or a sum of counts, its whole: a count or None)
SHARES = {
    "andel_arbete_studier": (
        ("avslut_arbete", "avslut_arbete_subvention", "avslut_studier"),
        "avslut",
    ),
    "andel_borjar_arbete_studier": (("borjar_arbete_studier",), "arbetslosa"),
    "andel_borjar_arbete": (("borjar_arbete",), "arbetslosa"),
    "andel_borjar_studier": (("borjar_studier",), "arbetslosa"),
    "kaa_utan_aktivitet_andel": (("kaa_utan_aktivitet",), None),
    "remisser_besvarade": ((), "remisser"),
}


def _cells(data: dict, which: str) -> tuple[dict, dict]:
    """({(key, subgroup, gender): number or mark} for counts, the same for shares)."""
    counts, shares = {}, {}
    for ind in data["indikatorer"]:
        target = {"antal": counts, "procent": shares}.get(ind["enhet"])
        if target is None:
            continue
        for cell in ind["celler"]:
            target[(ind["nyckel"], cell["målgrupp"], cell["kön"])] = cell[which]
    return counts, shares


def leaks(export_json: str) -> list[str]:
    """Every small number (1–4) that can be worked out from the export, in words."""
    data = json.loads(export_json)
    found = []
    for which in ("värde", "föregående"):
        found += [f"{which}: {leak}" for leak in _leaks(data, which)]
    return found


def _leaks(data: dict, which: str) -> list[str]:
    counts, shares = _cells(data, which)
    subgroups = list(data["målgrupper"])
    # Figures about no person (job tracks, meetings held) come as one total only.
    keys = {key for key, _s, gender in counts if gender != "alla"}
    small_marked = {cell for cell, v in counts.items() if v == "<5"}
    known: dict = {cell: v for cell, v in counts.items() if isinstance(v, int | float)}
    # Figures nobody was counted in are left out of the export: they are zero.
    for key in [f"remisser_{k}" for k in REFERRAL_KINDS]:
        if key not in keys:
            for sub in subgroups:
                for gender in (*GENDERS, "alla"):
                    known[(key, sub, gender)] = 0
    equal: list[tuple] = []  # (total, parts): total = sum(parts)
    within: list[tuple] = []  # (group, parts): group = sum(parts) + a rest of its own
    for key in keys:
        for sub in subgroups:
            equal.append(((key, sub, "alla"), tuple((key, sub, g) for g in GENDERS)))
        for gender in (*GENDERS, "alla"):
            for sub in subgroups:
                if sub != "totalt":
                    within.append(((key, "totalt", gender), ((key, sub, gender),)))
            if "unga_16_24" in subgroups:
                within.append(((key, "unga_16_29", gender), ((key, "unga_16_24", gender),)))
            apart = ((key, "etablering", gender), (key, "ovriga_nyanlanda", gender))
            within.append(((key, "totalt", gender), apart))
            municipalities = tuple(
                (key, s, gender) for s in subgroups if s.startswith("kommun:")
            )
            if len(municipalities) > 1:
                within.append(((key, "totalt", gender), municipalities))
    for sub in subgroups:
        for gender in (*GENDERS, "alla"):
            if "avslut" in keys:
                parts = tuple((f"avslut_{o}", sub, gender) for o in OUTCOMES)
                equal.append((("avslut", sub, gender), parts))
            if "remisser" in keys:
                parts = tuple((f"remisser_{k}", sub, gender) for k in REFERRAL_KINDS)
                equal.append((("remisser", sub, gender), parts))
            for outer, inner in WITHIN:
                if outer in keys and inner in keys:
                    within.append(((outer, sub, gender), ((inner, sub, gender),)))
    pairs = {}
    for (share, sub, gender), value in shares.items():
        if share not in SHARES or not isinstance(value, int | float):
            continue
        parts, whole = SHARES[share]
        part_cell = (parts[0], sub, gender) if len(parts) == 1 else ("part", share, sub, gender)
        whole_cell = (whole, sub, gender) if whole else ("whole", share, sub, gender)
        if len(parts) > 1:
            equal.append((part_cell, tuple((p, sub, gender) for p in parts)))
        pairs[(share, sub, gender)] = (value, part_cell, whole_cell)
    found = []
    for _round in range(20):
        before = len(known)
        # A share of a known whole gives its part; of a known part, its whole.
        for (share, sub, gender), (value, part_cell, whole_cell) in pairs.items():
            if whole_cell in known and part_cell not in known:
                known[part_cell] = round(value / 100 * known[whole_cell])
            if part_cell in known and whole_cell not in known and value:
                known[whole_cell] = round(known[part_cell] * 100 / value)
            if part_cell in known and whole_cell in known:
                rest = known[whole_cell] - known[part_cell]
                if 1 <= known[part_cell] <= 4 or 1 <= rest <= 4:
                    shown = f"{known[part_cell]} av {known[whole_cell]}"
                    found.append(f"{share} {sub} {gender}: {shown}")
        for total, parts in equal:
            cells = (total, *parts)
            missing = [c for c in cells if c not in known]
            if len(missing) == 1:
                if missing[0] == total:
                    known[total] = sum(known[p] for p in parts)
                else:
                    others = sum(known[p] for p in parts if p != missing[0])
                    known[missing[0]] = known[total] - others
        if len(known) == before:
            break
    for cell in small_marked:
        if cell in known:
            found.append(f"{cell}: <5 visas men är {known[cell]}")
    for total, parts in equal:
        # A total beside some of its parts gives the rest of them together.
        unknown = [p for p in parts if p not in known]
        if total in known and len(unknown) > 1:
            rest = known[total] - sum(known[p] for p in parts if p in known)
            if 1 <= rest <= 4:
                found.append(f"{total} − visade delar = {rest}")
    for group, parts in within:
        if group in known and all(p in known for p in parts):
            rest = known[group] - sum(known[p] for p in parts)
            if 1 <= rest <= 4:
                found.append(f"{group} − {parts} = {rest}")
    return sorted(set(found))
