"""The exception tree of customer-value.

Every error and warning carries a message key from the i18n catalog and the fields that fill
it, so the CLI and the service can render it in the user's language, and a run can store it
language-free (:meth:`as_message`).
"""

from __future__ import annotations

import errno
from typing import Any

from customer_value.i18n import message, msg


class _Keyed:
    """A message key and its fields; ``str()`` is the English text."""

    key = "error.internal"

    def __init__(self, key: str | None = None, /, **fields: Any) -> None:
        self.key = key or type(self).key
        self.fields = fields
        super().__init__(self.render("en"))

    def render(self, lang: str = "en") -> str:
        """The message in ``lang`` (``en`` or ``zh``)."""
        return msg(self.key, lang, **self.fields)

    def as_message(self) -> dict[str, Any]:
        """The key and fields, to store and render later (:func:`customer_value.i18n.message`)."""
        return message(self.key, **self.fields)


class CVAError(_Keyed, Exception):
    """Base class of every error raised by customer-value."""


# -- errors the user can fix ------------------------------------------------------------------


class UserError(CVAError):
    """Bad input or configuration that the user can fix."""

    key = "error.user"


class InputFileError(UserError, OSError):
    """A file can't be read: missing, a directory, empty, binary or malformed."""

    key = "error.input_file"


class OutputFileError(UserError, OSError):
    """A file can't be written: no permission, no such folder, a read-only or full disk."""

    key = "error.output_file"
    #: The reason of each operating-system error number, as a catalog key.
    REASONS = {
        errno.EACCES: "error.os.permission", errno.EPERM: "error.os.permission", errno.ENOENT: "error.os.not_found",
        errno.EROFS: "error.os.read_only", errno.ENOSPC: "error.os.no_space", errno.EDQUOT: "error.os.no_space",
        errno.EISDIR: "error.os.is_directory", errno.ENOTDIR: "error.os.not_directory",
        errno.EEXIST: "error.os.not_directory",
    }

    @classmethod
    def from_os_error(cls, path: object, exc: OSError) -> OutputFileError:
        """The error for ``path`` with ``exc``'s reason in words (its own text when unknown)."""
        key = cls.REASONS.get(exc.errno or -1)
        return cls(path=str(path), reason=message(key) if key else exc.strerror or str(exc))


class MissingColumnError(UserError, KeyError):
    """A required column was not found among the headers of a source."""

    key = "error.missing_column"

    def __str__(self) -> str:  # KeyError would quote the message
        return self.render("en")


class NothingKeptError(UserError):
    """A source none of whose rows could be kept: every row was quarantined (nothing is stored)."""

    key = "ingest.nothing_kept"


class ConfigError(UserError, ValueError):
    """The workspace configuration (cva.yaml) or an option is invalid."""

    key = "error.config"


class DatabaseError(UserError):
    """A SQL source can't be reached or its query fails."""

    key = "error.database"


class WorkspaceError(UserError):
    """The workspace is missing, not initialised, or has no data for the request."""

    key = "error.workspace"


class NotFoundError(UserError, LookupError):
    """A requested customer, run or table does not exist."""

    key = "error.not_found"


class LinkageInputError(UserError, ValueError):
    """The customers handed to record linkage have missing or repeated ids."""

    key = "linkage.bad_ids"


class ModelFitError(UserError):
    """A model can't be fitted to the data (too few repeat buyers, degenerate data)."""

    key = "error.model_fit"


class NotFittedError(CVAError, ValueError, AttributeError):
    """An estimator was used before ``fit``.

    Same bases as scikit-learn's ``NotFittedError`` (ValueError, AttributeError) without importing
    scikit-learn, which would add seconds to every ``cva`` command.
    """

    key = "error.not_fitted"


# -- bugs ---------------------------------------------------------------------------------------


class InternalError(CVAError):
    """An invariant of customer-value itself was broken: a bug."""

    key = "error.internal"


# -- warnings -----------------------------------------------------------------------------------


class CVAWarning(_Keyed, UserWarning):
    """Base class of warnings about the data or the models: ``warnings.warn(SomeWarning(key, **fields))``."""


class ConvergenceWarning(CVAWarning):
    """An optimiser stopped without converging; the message says what to try."""


class DataQualityWarning(CVAWarning):
    """The data is thin or violates a model assumption; results are less certain."""
