"""The domain error tree. Every refusal a user can see is a `DomainError` with a stable machine `code`.

    DomainError                       400  base; never raised bare
    ├── InputInvalid                  400  a value breaks a rule (empty name, price <= 0, ...)
    ├── NotAuthenticated              401  no valid session or token
    ├── AccessDenied                  403  authenticated, but not allowed to do this
    ├── EntityNotFound                404  unknown id (also used for another store's objects, to hide them)
    ├── StateConflict                 409  the object is not in a state that allows this
    ├── DuplicateEntity               409  a unique thing already exists
    ├── IdempotencyKeyReused          409  the same key came back with a different body
    ├── RateLimited                   429  too many attempts (login throttling)
    ├── DatabaseBusy                  503  the embedded database's write lock stayed taken too long; retry
    └── ...                                each capability subclasses these with its own `<Noun><Problem>` names

The HTTP layer renders them as application/problem+json (RFC 9457); pages show the same message.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """A business refusal with a stable `code`, an HTTP `status` and a human `message`."""

    code: ClassVar[str] = "domain_error"
    status: ClassVar[int] = 400
    title: ClassVar[str] = "The request was refused"

    def __init__(self, message: str | None = None, **params: Any) -> None:
        self.message = message or self.title
        self.params = params
        super().__init__(self.message)

    def to_problem(self) -> dict[str, Any]:
        problem: dict[str, Any] = {
            "type": f"https://mercato.dev/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "code": self.code,
            "detail": self.message,
        }
        if self.params:
            problem["params"] = self.params
        return problem


class InputInvalid(DomainError):
    code = "input_invalid"
    status = 400
    title = "A value is not acceptable"


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    status = 401
    title = "Log in first"


class AccessDenied(DomainError):
    code = "access_denied"
    status = 403
    title = "You are not allowed to do this"


class EntityNotFound(DomainError):
    code = "not_found"
    status = 404
    title = "Not found"


class StateConflict(DomainError):
    code = "state_conflict"
    status = 409
    title = "Not possible in the current state"


class DuplicateEntity(DomainError):
    code = "duplicate"
    status = 409
    title = "It already exists"


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 409
    title = "This Idempotency-Key was used with a different request"


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    title = "Too many attempts; wait and try again"


class DatabaseBusy(DomainError):
    code = "database_busy"
    status = 503
    title = "The marketplace is very busy; try again in a moment"


def all_error_classes() -> list[type[DomainError]]:
    """Every DomainError subclass loaded so far, for documenting the codes in OpenAPI."""
    seen: list[type[DomainError]] = []
    stack: list[type[DomainError]] = [DomainError]
    while stack:
        cls = stack.pop()
        seen.append(cls)
        stack.extend(cls.__subclasses__())
    return seen
