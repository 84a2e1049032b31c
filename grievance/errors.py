"""Domain errors: each names the problem in words a caller can show or log."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the grievance core raises on purpose."""

    code = "domain_error"


class NotFoundError(DomainError):
    code = "not_found"


class UnknownVillageError(NotFoundError):
    code = "unknown_village"

    def __init__(self, village_code: int) -> None:
        super().__init__(f"no village with LGD code {village_code} is in the directory")
        self.village_code = village_code


class InvalidReferenceError(DomainError):
    code = "invalid_reference"


class ValidationError(DomainError):
    code = "invalid"


class TransitionNotAllowedError(DomainError):
    code = "transition_not_allowed"


class ConflictError(DomainError):
    """Someone else changed the record first; reload and try again."""

    code = "conflict"


class ImportRowError(DomainError):
    """A row of an import file is malformed; names file, line and column."""

    code = "import_row"

    def __init__(self, file: str, line: int, column: str | None, message: str) -> None:
        where = f"{file}, line {line}" + (f", column '{column}'" if column else "")
        super().__init__(f"{where}: {message}")
        self.file, self.line, self.column, self.problem = file, line, column, message
