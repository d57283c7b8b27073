"""Encrypted backup files: OpenPGP through the `gpg` binary.

Both directions stream. Encrypting, the export's bytes are piped into gpg,
whose output goes straight into the export's temp file: no plaintext ever
touches the disk. Decrypting, gpg's output is read by the streaming backup
reader as it comes. Keys, passphrases and the agent are gpg's business
(GNUPGHOME, pinentry); flexgit never sees a passphrase.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, BinaryIO

from flexgit.errors import CryptoError, UsageError

SUFFIX = ".gpg"
ARMOR = b"-----BEGIN PGP MESSAGE-----"
# Packets an encrypted OpenPGP message starts with (RFC 4880/9580), by tag, with
# the versions their first body byte may hold: public-key session key (1),
# symmetric session key (3), encrypted data with integrity protection (18) or
# AEAD (20). Checking the version too keeps random bytes from spawning gpg.
_FIRST_PACKETS = {1: {3, 6}, 3: {4, 5, 6}, 18: {1, 2}, 20: {1}}
# gpg status lines that mean decryption failed (not that we stopped reading).
_FAILED = ("DECRYPTION_FAILED", "NO_SECKEY", "BADMDC", "NODATA", "ERROR")


def gpg_binary() -> str:
    gpg = shutil.which("gpg")
    if gpg is None:
        raise CryptoError("gpg not found; install gnupg (e.g. `apt-get install gnupg`) to "
                          "encrypt or read encrypted backups")
    return gpg


def looks_encrypted(head: bytes) -> bool:
    """True when `head` (the first bytes of a file) starts an OpenPGP message."""
    if head.lstrip().startswith(ARMOR):
        return True
    if not head or not head[0] & 0x80:
        return False
    ctb = head[0]
    if ctb & 0x40:  # new format: tag, then a one-, two- or five-octet length
        tag = ctb & 0x3F
        first = head[1] if len(head) > 1 else 0
        body = 2 if first < 192 or 224 <= first < 255 else (3 if first < 224 else 6)
    else:  # old format: tag and length type in the first octet
        tag = (ctb >> 2) & 0x0F
        body = 1 + {0: 1, 1: 2, 2: 4, 3: 0}[ctb & 3]
    versions = _FIRST_PACKETS.get(tag)
    return versions is not None and len(head) > body and head[body] in versions


def _gpg_message(err: IO[bytes]) -> tuple[str, set[str]]:
    """The last human line gpg wrote, and the status keywords it reported."""
    err.seek(0)
    lines = err.read().decode("utf-8", "replace").splitlines()
    status = {ln.split()[1] for ln in lines if ln.startswith("[GNUPG:] ") and len(ln.split()) > 1}
    human = [ln.strip() for ln in lines if ln.strip() and not ln.startswith("[GNUPG:]")]
    return (human[-1] if human else "gpg failed"), status


def check_recipients(recipients: Sequence[str]) -> None:
    """Every recipient must name a public key in the keyring, before any work."""
    gpg = gpg_binary()
    for r in recipients:
        if not r.strip():
            raise UsageError("--encrypt needs a recipient: a key id, fingerprint or email")
        res = subprocess.run([gpg, "--batch", "--list-keys", "--", r], stdin=subprocess.DEVNULL,
                             capture_output=True, check=False)
        if res.returncode != 0:
            raise CryptoError(f"no public key for {r!r} in the gpg keyring; import it with "
                              f"`gpg --import KEYFILE` (GNUPGHOME selects the keyring)")


@contextlib.contextmanager
def encrypting(out: BinaryIO, recipients: Sequence[str]) -> Iterator[BinaryIO]:
    """A stream whose bytes gpg encrypts to `recipients` into `out` (a file
    opened for writing with nothing buffered)."""
    gpg = gpg_binary()
    args = [gpg, "--batch", "--no-tty", "--quiet", "--status-fd", "2", "--encrypt"]
    for r in recipients:
        args += ["--recipient", r]
    with tempfile.TemporaryFile() as err:  # gpg's messages only, never data
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=out.fileno(), stderr=err)
        assert proc.stdin is not None
        try:
            yield proc.stdin  # type: ignore[misc]
            proc.stdin.close()
        except BaseException:
            with contextlib.suppress(OSError):
                proc.stdin.close()
            if proc.wait() != 0:  # gpg gave up first (a broken pipe is only the symptom)
                msg, _ = _gpg_message(err)
                raise CryptoError(f"gpg cannot encrypt to {', '.join(recipients)}: {msg}; "
                                  f"check `gpg --list-keys` (the key must be valid and "
                                  f"trusted)") from None
            raise
        if proc.wait() != 0:
            msg, _ = _gpg_message(err)
            raise CryptoError(f"gpg cannot encrypt to {', '.join(recipients)}: {msg}; check "
                              f"`gpg --list-keys` (the key must be valid and trusted)")


@contextlib.contextmanager
def decrypting(path: Path, *, name: str | None = None) -> Iterator[BinaryIO]:
    """gpg's plaintext of the encrypted file at `path`, as a readable stream.

    A failure of gpg (no secret key, damaged or tampered data) wins over the
    error it causes downstream (truncated JSON); an error of the reader while
    gpg is still busy stops gpg and passes through unchanged.
    """
    gpg = gpg_binary()
    label = name or str(path)
    args = [gpg, "--no-tty", "--quiet", "--status-fd", "2", "--decrypt", "--", str(path)]
    if not sys.stdin.isatty():
        args.insert(1, "--batch")  # nobody to type a passphrase: the agent or nothing
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=err)
        assert proc.stdout is not None
        try:
            yield proc.stdout  # type: ignore[misc]
            proc.stdout.read()  # the reader stops at the end of the JSON: drain the rest
        except BaseException:
            finished = proc.poll() is not None or _at_eof(proc.stdout)
            if not finished:
                proc.kill()
                proc.wait()
                proc.stdout.close()
                raise
            _wait(proc)
            proc.stdout.close()
            msg, status = _gpg_message(err)
            if proc.returncode != 0 or status & set(_FAILED):
                raise _decrypt_error(label, msg, status) from None
            raise
        rc = _wait(proc)
        proc.stdout.close()
        msg, status = _gpg_message(err)
        if rc != 0 or status & set(_FAILED) or "DECRYPTION_OKAY" not in status:
            raise _decrypt_error(label, msg, status)


def _at_eof(stream: IO[bytes]) -> bool:
    try:
        return stream.read(1) == b""
    except OSError:
        return True


def _wait(proc: subprocess.Popen[bytes]) -> int:
    try:
        return proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def _decrypt_error(label: str, msg: str, status: set[str]) -> CryptoError:
    # Encrypted to keys of which none is here: gpg never names a DECRYPTION_KEY.
    no_key = "ENC_TO" in status and "DECRYPTION_KEY" not in status
    if (no_key or "NO_SECKEY" in status) and "DECRYPTION_OKAY" not in status:
        return CryptoError(f"{label}: cannot decrypt: no secret key for it in this gpg keyring; "
                           f"import the key (`gpg --import`) or set GNUPGHOME")
    if "BADMDC" in status:
        err = CryptoError(f"{label}: cannot decrypt: the encrypted data was modified or "
                          f"damaged; copy the file again")
    else:
        err = CryptoError(f"{label}: cannot decrypt: {msg}; check the file and your gpg keyring")
    # The session key opened (or the data is no OpenPGP at all): the file is bad.
    err.damaged = bool(status & {"BADMDC", "DECRYPTION_INFO", "NODATA"})
    return err
