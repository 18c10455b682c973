"""The errors an interface reports as a user's mistake (CLI exit code 2, HTTP 4xx).

Each names the file, row, column or id concerned; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from laborlens.adapters.io.readers import InputError
from laborlens.adapters.io.resume import ResumeError
from laborlens.adapters.io.writers import OutputError
from laborlens.core.lists import ListError
from laborlens.core.resources import ResourceError

__all__ = [
    "USER_ERRORS",
    "InputError",
    "ListError",
    "OutputError",
    "ResourceError",
    "ResumeError",
]

#: Catch these to report a problem with the user's input, arguments or files.
USER_ERRORS: tuple[type[Exception], ...] = (
    InputError,
    ListError,
    OutputError,
    ResourceError,
    ResumeError,
    OSError,
)
