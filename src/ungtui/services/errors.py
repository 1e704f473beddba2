"""Errors the service layer raises; every message is Swedish and safe to show."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that cannot be carried out; nothing was written."""


class NotFound(ServiceError):
    pass


class ValidationError(ServiceError):
    """Bad input, field by field: {field name: Swedish reason}."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(" ".join(errors.values()))
