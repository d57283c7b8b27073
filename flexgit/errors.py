"""One exception root. Every error a user can cause is a FlexgitError whose
message says what went wrong and, where possible, what to do about it."""

from __future__ import annotations

# Exit codes (DESIGN.md "Command line").
OK = 0
ERROR = 1
USAGE = 2
WARNINGS = 3
INTEGRITY = 4
NO_REPOSITORY = 10
LOCKED = 11
CANCELLED = 130


class FlexgitError(Exception):
    """Base of every error flexgit reports to the user as one line."""

    exit_code = ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(FlexgitError):
    """The command line asks for something that cannot be done as asked."""

    exit_code = USAGE


class BadInput(FlexgitError):
    """An input file (backup file, profile, installation file) is unusable."""

    exit_code = ERROR


class IntegrityError(FlexgitError):
    """Stored data does not match its checksums or structure."""

    exit_code = INTEGRITY


class NoRepository(FlexgitError):
    exit_code = NO_REPOSITORY


class Locked(FlexgitError):
    exit_code = LOCKED


class Cancelled(FlexgitError):
    exit_code = CANCELLED


class HookFailed(FlexgitError):
    """A pre-* lifecycle hook said no; nothing was changed."""

    exit_code = ERROR


class RemoteError(FlexgitError):
    """A git remote could not be reached, or refused what was pushed."""

    exit_code = ERROR


class CryptoError(FlexgitError):
    """gpg could not encrypt or decrypt a backup file."""

    exit_code = ERROR
    damaged = False  # True: the key worked, the encrypted data did not (verify: a finding)


class WriteFailed(FlexgitError, OSError):
    """An atomic write of one file failed before its rename: the file keeps
    its previous content. Only the atomic writer raises it, because only it
    knows that; it is an OSError too, so callers that catch OSError still do."""

    exit_code = ERROR

    def __init__(self, errno: int | None, strerror: str | None, filename: str) -> None:
        OSError.__init__(self, errno, strerror, filename)
        self.message = (f"{filename}: {strerror or 'write failed'}; nothing was written "
                        f"there, its previous content is intact")

    def __str__(self) -> str:
        return self.message
