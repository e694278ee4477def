"""The exception tree of customer-value.

Every error carries a message key from the i18n catalog and the fields that fill it, so the
CLI and the service can render it in the user's language.
"""

from __future__ import annotations

from typing import Any

from customer_value.i18n import msg


class CVAError(Exception):
    """Base class of every error raised by customer-value."""

    key = "error.internal"

    def __init__(self, key: str | None = None, /, **fields: Any) -> None:
        self.key = key or type(self).key
        self.fields = fields
        super().__init__(self.render("en"))

    def render(self, lang: str = "en") -> str:
        """The message in ``lang`` (``en`` or ``zh``)."""
        return msg(self.key, lang, **self.fields)


# -- errors the user can fix ------------------------------------------------------------------


class UserError(CVAError):
    """Bad input or configuration that the user can fix."""

    key = "error.user"


class InputFileError(UserError, OSError):
    """A file can't be read: missing, a directory, empty, binary or malformed."""

    key = "error.input_file"


class MissingColumnError(UserError, KeyError):
    """A required column was not found among the headers of a source."""

    key = "error.missing_column"

    def __str__(self) -> str:  # KeyError would quote the message
        return self.render("en")


class NothingKeptError(UserError):
    """A source none of whose rows could be kept: every row was quarantined (nothing is stored)."""

    key = "ingest.nothing_kept"

    def render(self, lang: str = "en") -> str:
        """The message in ``lang``, with the reason code and the example row in words."""
        fields = dict(self.fields)
        fields["reason"] = msg(f"quality.reason.{fields['reason']}", lang)
        value = fields.pop("value", None)
        fields["example"] = "" if value is None else msg("ingest.nothing_kept_example", lang, row=fields["row"], value=value)
        return msg(self.key, lang, **fields)


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


class CVAWarning(UserWarning):
    """Base class of warnings about the data or the models.

    Made with :meth:`of`, a warning carries its message key and fields, so that a caller that
    catches it can show it in the user's language (``cva ingest`` turns them into notes).
    """

    key: str | None = None
    fields: dict[str, Any] | None = None

    @classmethod
    def of(cls, key: str, /, **fields: Any) -> CVAWarning:
        """The warning whose message is ``key`` with ``fields`` (its text in English)."""
        warning = cls(msg(key, "en", **fields))
        warning.key, warning.fields = key, fields
        return warning


class ConvergenceWarning(CVAWarning):
    """An optimiser stopped without converging; the message says what to try."""


class DataQualityWarning(CVAWarning):
    """The data is thin or violates a model assumption; results are less certain."""
