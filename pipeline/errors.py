"""One exception hierarchy. A `KopiError` that concerns an input carries the reason code under which
the flow records it; `ConfigError` is for staff-edited data (templates, routing) and is never
turned into a form exception: it stops the run with a message naming the bad key.
"""

from __future__ import annotations

from pipeline.reasons import ReasonCode, message_for


class KopiError(Exception):
    """Base of every error kopi raises on purpose."""


class ConfigError(KopiError):
    """A template, routing table or setting is invalid; the message names the file and key."""


class InputError(KopiError):
    """Something about one input file or page; recorded as an exception, never stops a batch."""

    reason: ReasonCode = ReasonCode.PROCESSING_ERROR

    def __init__(self, detail: str = "", **params: object) -> None:
        self.detail = detail
        self.params = {"detail": detail, **params}
        super().__init__(detail or self.reason.value)

    @property
    def message(self) -> str:
        return message_for(self.reason, **self.params)


class FileUnreadable(InputError):
    reason = ReasonCode.FILE_UNREADABLE


class FileUnsupported(InputError):
    reason = ReasonCode.FILE_UNSUPPORTED


class TooManyPages(InputError):
    reason = ReasonCode.FILE_TOO_MANY_PAGES


class MarksNotFound(InputError):
    reason = ReasonCode.MARKS_NOT_FOUND


class NotAForm(InputError):
    reason = ReasonCode.NOT_A_FORM


class PageBlank(InputError):
    reason = ReasonCode.PAGE_BLANK


class CaptureProblem(InputError):
    """The photo is too poor to find or read the form; `reason` says what to do differently."""

    def __init__(self, reason: ReasonCode, detail: str = "") -> None:
        self.reason = reason
        super().__init__(detail)


class UnknownForm(InputError):
    reason = ReasonCode.UNKNOWN_FORM


class ToolError(InputError):
    """An external program (tesseract, poppler) failed in a way we do not recognise."""

    reason = ReasonCode.PROCESSING_ERROR


class ToolTimeout(ToolError):
    """An external program ran past its time limit; retrying may help on a loaded machine."""


class ToolMissing(KopiError):
    """An external program is not installed; the message says which Debian package provides it."""
