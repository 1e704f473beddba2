"""Errors the service layer raises; every message is Swedish and safe to show."""

from __future__ import annotations

import errno


class ServiceError(Exception):
    """A request that cannot be carried out; nothing was written."""


class NotFound(ServiceError):
    pass


class ValidationError(ServiceError):
    """Bad input, field by field: {field name: Swedish reason}."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(" ".join(errors.values()))


def explain_database_error(error: Exception) -> str:
    """A Swedish sentence for a failure of the database itself; nothing was saved."""
    text = str(error).lower()
    if "database file replaced" in text:  # store.database.REPLACED
        return (
            "Databasfilen har bytts ut eller flyttats medan programmet var öppet (till "
            "exempel av en återställning). Inget sparades. Stäng ungtui och öppna det igen."
        )
    if "locked" in text or "busy" in text:
        return (
            "Databasen är upptagen av ett annat program, till exempel ett annat fönster med "
            "ungtui. Inget sparades. Försök igen om en stund."
        )
    if "readonly" in text or "read-only" in text:
        return "Databasen går inte att skriva till (skrivskyddad). Inget sparades."
    if "disk" in text and "full" in text:
        return "Disken är full. Inget sparades. Frigör utrymme och försök igen."
    return "Databasen kunde inte läsas eller skrivas. Inget sparades."


# The operating system's reasons are English ("Is a directory"); these are the ones a
# caseworker meets when choosing where a file goes or comes from.
_OS_REASONS = {
    errno.ENOENT: "den finns inte",
    errno.EISDIR: "det är en mapp, inte en fil",
    errno.ENOTDIR: "en del av sökvägen är ingen mapp",
    errno.EACCES: "du saknar behörighet",
    errno.EPERM: "du saknar behörighet",
    errno.ENOSPC: "disken är full",
    errno.EROFS: "disken är skrivskyddad",
    errno.EEXIST: "det finns redan en fil med det namnet",
    errno.ENAMETOOLONG: "namnet är för långt",
}


def os_reason(error: OSError) -> str:
    """Why a file could not be read or written, in Swedish."""
    return _OS_REASONS.get(error.errno or 0, "läsningen eller skrivningen misslyckades")
