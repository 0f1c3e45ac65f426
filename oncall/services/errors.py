"""Errors that services raise and the web layer maps to 4xx answers."""
from __future__ import annotations


class ServiceError(Exception):
    status = 400
    code = "invalid_request"

    def __init__(self, message: str, details: list[dict] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []


class Invalid(ServiceError):
    """Bad input; ``details`` names each bad field: ``[{"field", "message"}]``."""

    @classmethod
    def field(cls, field: str, message: str) -> "Invalid":
        return cls(f"{field}: {message}", [{"field": field, "message": message}])


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


def patch_changes(data, required: tuple[str, ...]) -> dict:
    """The fields a PATCH body sets; a field that may not be empty set to null is a 400."""
    changes = data.model_dump(exclude_unset=True)
    for name in required:
        if name in changes and changes[name] is None:
            raise Invalid.field(name, "may not be null")
    return changes
