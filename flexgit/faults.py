"""Fault points for crash-injection tests.

`FLEXGIT_CRASH_AT=kind:k` makes the k-th call of `point(kind)` in this process
end it with os._exit(99) before the operation happens (kind is one of write,
fsync, replace, ref). `FLEXGIT_CRASH_AT=any:k` counts every kind together.
`FLEXGIT_FAIL_AT=kind:k:ERRNO` raises that OSError there instead (ENOSPC, EIO…),
for machines where a real full disk cannot be made.
Unset in normal use: one comparison per point.
"""

from __future__ import annotations

import os

_spec = os.environ.get("FLEXGIT_CRASH_AT", "")
_kind, _, _k = _spec.partition(":")
_target = int(_k) if _k.isdigit() else 0
_count = 0


_fail_kind, _, _rest = os.environ.get("FLEXGIT_FAIL_AT", "").partition(":")
_fail_k, _, _fail_errno = _rest.partition(":")
_fail_target = int(_fail_k) if _fail_k.isdigit() else 0
_fail_count = 0


def point(kind: str) -> None:
    global _count, _fail_count
    if _fail_target and (_fail_kind in ("any", kind)):
        _fail_count += 1
        if _fail_count >= _fail_target:
            import errno

            code = getattr(errno, _fail_errno or "EIO", errno.EIO)
            raise OSError(code, os.strerror(code))
    if not _target or (_kind != "any" and kind != _kind):
        return
    _count += 1
    if _count == _target:
        os._exit(99)


def check_read(path: object) -> None:
    """`FLEXGIT_FAIL_READ=<substring>` makes reading any source path containing
    it fail with EACCES (or EIO with `FLEXGIT_FAIL_READ_ERRNO=EIO`): how tests
    running as root, who can read everything, reach the unreadable-file path."""
    needle = os.environ.get("FLEXGIT_FAIL_READ")
    if needle and needle in str(path):
        import errno

        code = getattr(errno, os.environ.get("FLEXGIT_FAIL_READ_ERRNO", "EACCES"), errno.EACCES)
        raise OSError(code, os.strerror(code), str(path))
