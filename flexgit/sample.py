"""A small but realistic FlexPBX installation, laid out on disk.

Used by `flexgit demo` and, above all, as THE fixture installation of the test
suite: every file kind carries planted secrets and personal data, and `build`
returns them so tests can assert that none of them reaches the shareable store.
All values are fake; emails use real-looking domains on purpose, because
`example.com` is the placeholder domain the sanitizer leaves alone.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import re
import struct
import tomllib
import zlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from flexgit.errors import UsageError

__all__ = ["Sample", "build"]


@dataclass(frozen=True)
class Sample:
    """What `build` laid out, and what must never leave it unsanitized."""

    home: Path
    root: Path
    user: str
    secrets: tuple[str, ...]
    user_data: tuple[str, ...]
    excluded: tuple[str, ...]


# --- deterministic fake material -------------------------------------------------


def _digest(label: str, n: int) -> bytes:
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"flexgit-sample:{label}:{i}".encode()).digest()
        i += 1
    return out[:n]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).rstrip(b"=").decode()


_BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _bcrypt(label: str) -> str:
    return "$2y$10$" + "".join(_BCRYPT_ALPHABET[b % 64] for b in _digest(label, 53))


def _argon2id(label: str) -> str:
    salt = _b64(_digest(label + ":salt", 16))
    return f"$argon2id$v=19$m=65536,t=4,p=1${salt}${_b64(_digest(label, 32))}"


def _jwt(payload: dict[str, Any], key: str) -> str:
    def part(obj: dict[str, Any]) -> str:
        return _b64url(json.dumps(obj, separators=(",", ":")).encode())

    signing_input = part({"alg": "HS256", "typ": "JWT"}) + "." + part(payload)
    sig = hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + _b64url(sig)


def _png(width: int, height: int, *, noise: str = "") -> bytes:
    """A valid RGB PNG: a gradient, or pseudo-random pixels when `noise` is given."""
    rows = []
    for y in range(height):
        if noise:
            row = _digest(f"{noise}:{y}", width * 3)
        else:
            row = b"".join(bytes((x * 255 // width, y * 255 // height, 160)) for x in range(width))
        rows.append(b"\x00" + row)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def _wav(samples: int) -> bytes:
    """8 kHz 16-bit mono silence with a proper RIFF header."""
    data = b"\x00\x00" * samples
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


# --- planted values ----------------------------------------------------------------

_SIP_2003 = "Sip-Secret-2003-Lm4"
_PHP_SECRET = "Jwt-Sign-Secret-8f3a9c2e71"
_PUSH_2001 = (
    "https://fcm.googleapis.com/fcm/send/"
    + _b64url(_digest("push-2001-id", 16))
    + ":APA91b"
    + _b64url(_digest("push-2001-body", 105))
)
_PUSH_2002 = "https://updates.push.services.mozilla.com/wpush/v2/gAAAAA" + _b64url(
    _digest("push-2002", 105)
)

# Every value here is planted in at least one file and must never reach the store.
_SECRETS: dict[str, str] = {
    # people
    "NAME_2001": "Alice Johnson",
    "EMAIL_2001": "alice.johnson@acme-telecom.net",
    "PAGER_2001": "alice.pager@acme-telecom.net",
    "PHONE_2001": "+1-415-555-0142",
    "NAME_2002": "Bob Martinez",
    "EMAIL_2002": "bob.martinez@acme-telecom.net",
    "PHONE_2002": "+1-415-555-0187",
    "NAME_2003": "Carol Nguyen",
    "EMAIL_2003": "carol.nguyen@northwind-media.com",
    "PHONE_2003": "+44 20 7946 0321",
    "ADMIN_NAME": "David Okafor",
    "ADMIN_EMAIL": "david.okafor@acme-telecom.net",
    "ALERTS_EMAIL": "pbx-alerts@acme-telecom.net",
    "NOC_EMAIL": "noc@acme-telecom.net",
    "DOC_EMAIL": "helpdesk@acme-telecom.net",
    "TEMPLATE_EMAIL": "onboarding@acme-telecom.net",
    # web application
    "DB_PASS": "Fx-Db-Pass-2025-Kw8",
    "LOGIN_DB_PASS": "Fx-Login-DbPw-6620",
    "PHP_SECRET": _PHP_SECRET,
    "SMTP_PASS": "Smtp-Pass-4471-Jd",
    "PUSH_API_KEY": "Push-Api-Key-77c1e9d4",
    "PORTAL_API_KEY": "fxp_live_9Kq2Wm7Zr4Tn8Vb3",
    "PROVISION_API_KEY": "fxp_prov_3Hd8Lx5Qa1Ye6Uc0",
    "INSTALLER_HASH": _bcrypt("installer"),
    "VAPID_PRIVATE": _b64url(_digest("vapid-private", 32)),
    "DOC_PASS": "Doc-Example-Pw-5150",
    "JWT": _jwt(
        {
            "sub": "2001",
            "name": "Alice Johnson",
            "email": "alice.johnson@acme-telecom.net",
            "role": "user",
            "iat": 1760436000,
            "exp": 1791972000,
        },
        _PHP_SECRET,
    ),
    # Asterisk
    "SIP_2001": "Sip-Secret-2001-Xq7",
    "SIP_2002": "Sip-Secret-2002-Tz5",
    "SIP_2003": _SIP_2003,
    "MD5_2003": hashlib.md5(f"2003:asterisk:{_SIP_2003}".encode()).hexdigest(),
    "TRUNK_REG_PASS": "Trunk-Reg-Pw-77Qx",
    "TLS_KEY_PASS": "TlsKey-Pass-8810",
    "SIP_2090": "Sip-Secret-2090-Vb2",
    "SIP_OLD": "Old-Sip-Pw-2090-Hh5",
    "SIP_REG_PASS": "Sip-Reg-Pw-5521",
    "SIP_REMOTE": "Sip-Remote-Pw-8834",
    "IAX_REG_PASS": "Iax-Reg-Pw-4410",
    "IAX_PEER_PASS": "Iax-Peer-Pw-2290",
    "IAX_TRUNK_PASS": "Iax-Trunk-Pw-6631",
    "DIAL_PASS": "Sip-Dial-Pw-3390",
    # written as ESC_HEAD\;ESC_TAIL: an escaped semicolon inside one value
    "ESC_HEAD": "ProvSec-3381",
    "ESC_TAIL": "Tail-7391-Kx",
    "AMI_SECRET": "Ami-Secret-Flex-9134",
    "VM_PIN_2001": "48261937",
    "VM_PIN_2002": "73910584",
    "VM_PIN_2003": "65027719",
    "VM_IMAP_PASS": "Vm-Imap-Pw-6672",
    "ODBC_PASS": "Odbc-Db-Pw-3318",
    # user data (excluded as whole files)
    "HASH_2001": _bcrypt("user-2001"),
    "HASH_2002": _bcrypt("user-2002"),
    "HASH_2003": _bcrypt("user-2003"),
    "SESSION_2001": _digest("session-2001", 32).hex(),
    "SESSION_2002": _digest("session-2002", 32).hex(),
    "SESSION_2003": _digest("session-2003", 32).hex(),
    "ADMIN_HASH": _argon2id("admin"),
    "ADMIN_TOTP": base64.b32encode(_digest("admin-totp", 20)).decode(),
    "PUSH_2001": _PUSH_2001,
    "P256DH_2001": _b64url(b"\x04" + _digest("p256dh-2001", 64)),
    "AUTH_2001": _b64url(_digest("auth-2001", 16)),
    "PUSH_2002": _PUSH_2002,
    "P256DH_2002": _b64url(b"\x04" + _digest("p256dh-2002", 64)),
    "AUTH_2002": _b64url(_digest("auth-2002", 16)),
    "TEMP_PASS_2003": "Tmp-7Hk2-qWz9",
    # only in excluded files: markers that prove they were never read
    "LOG_PASS": "Log-Leak-Pw-9021",
    "CSRF_TOKEN": _digest("csrf", 16).hex(),
    "CSV_NAME": "Erin Walsh",
    "CSV_EMAIL": "erin.walsh@contoso-partners.com",
    "CDR_NUMBER": "16175550187",
    "UNRELATED_TOKEN": "Unrelated-Tok-5582-Pq",
}


def _sub_id(endpoint: str) -> str:
    # Same naming as api/push-subscribe.php: <extension>-<12 hex of sha256(endpoint)>.
    return hashlib.sha256(endpoint.encode()).hexdigest()[:12]


_USER_DATA = (
    "users/2001.json",
    "users/2002.json",
    "users/2003.json",
    "admins/admin.json",
    f"push_subscriptions/2001-{_sub_id(_PUSH_2001)}.json",
    f"push_subscriptions/2002-{_sub_id(_PUSH_2002)}.json",
    "temp_passwords/2003.json",
)

_BACKUP_FILE = "home/backup/flexpbx-2025-10-13_02-00-00.flx"

_EXCLUDED = (
    "home/.bash_history",
    "home/logs/flexpbx.log",
    "home/public_html/error_log",
    "home/cache/sip_status/2001.json",
    "home/sessions/sess_5f1c9e2a7b3d",
    "home/tmp/import-users.csv",
    _BACKUP_FILE,
    "home/public_html/api/cache/sip_status_2001.json",
    "system/var/spool/asterisk/voicemail/default/2001/INBOX/msg0000.wav",
    "system/var/spool/asterisk/voicemail/default/2001/INBOX/msg0000.txt",
    "system/var/spool/asterisk/monitor/q-support-2001-20251014-101500.wav",
    "system/var/log/asterisk/cdr-csv/Master.csv",
    "system/var/log/asterisk/messages",
    # not FlexPBX's: must be neither touched nor backed up
    "system/etc/hostname",
    "system/etc/sudoers.d/other-admin",
    "system/usr/local/bin/unrelated-tool",
)

_SYMLINK = ("home/public_html/index.php", "portal/index.php")
_EMPTY_DIR = "home/public_html/uploads"
_DIR_MODES = {
    "home/users": 0o750,
    "home/admins": 0o750,
    "home/push_subscriptions": 0o750,
    "home/temp_passwords": 0o750,
    "home/backup": 0o750,
    "home/sessions": 0o700,
    "system/var/spool/asterisk/voicemail": 0o750,
}

# --- text files: package data (flexgit/sample_data), {{NAME}} placeholders ------


@functools.cache
def _text_files() -> dict[str, tuple[str, int]]:
    """Tree path -> (template text, mode), in the order files.toml lists them."""
    data = resources.files("flexgit") / "sample_data"
    index = tomllib.loads((data / "files.toml").read_text(encoding="utf-8"))["files"]
    return {rel: ((data / "files" / rel).read_text(encoding="utf-8"), mode)
            for rel, mode in index.items()}



# --- JSON files (built from Python values) ---


def _default_settings() -> dict[str, Any]:
    return {
        "timezone": "America/New_York",
        "language": "en",
        "temp_password_expiry_hours": 24,
        "session_timeout_minutes": 60,
        "voicemail": {"max_messages": 100, "attach_audio": True},
        "push_notifications": {"enabled": True, "ttl_seconds": 86400},
        "sip_status": {"cache_seconds": 15, "poll_interval_seconds": 30},
        "email_validation": {"enabled": True, "placeholder_domains": ["example.com"]},
    }


def _json_files(user: str, home: str, v: dict[str, str]) -> dict[str, tuple[Any, int]]:
    def ext(n: str) -> dict[str, Any]:
        return {
            "extension": n,
            "name": v[f"NAME_{n}"],
            "email": v[f"EMAIL_{n}"],
            "phone": v[f"PHONE_{n}"],
            "secret": v[f"SIP_{n}"],
            "voicemail": True,
        }

    def user_record(n: str, created: str) -> dict[str, Any]:
        return {
            "extension": n,
            "name": v[f"NAME_{n}"],
            "email": v[f"EMAIL_{n}"],
            "phone": v[f"PHONE_{n}"],
            "password_hash": v[f"HASH_{n}"],
            "session_token": v[f"SESSION_{n}"],
            "role": "user",
            "created": created,
        }

    def push(n: str, agent: str) -> dict[str, Any]:
        return {
            "endpoint": v[f"PUSH_{n}"],
            "expirationTime": None,
            "keys": {"p256dh": v[f"P256DH_{n}"], "auth": v[f"AUTH_{n}"]},
            "user_agent": agent,
        }

    config = {
        "flexpbx_version": "1.0",
        "system_user": user,
        "install_dir": f"{home}/public_html",
        "backup_dir": f"{home}/backup",
        "database": {
            "host": "localhost",
            "port": 3306,
            "name": "flexpbx_main",
            "user": "flexpbx_db",
            "password": v["DB_PASS"],
        },
        "smtp": {
            "host": "mail.acme-telecom.net",
            "port": 587,
            "username": v["ALERTS_EMAIL"],
            "password": v["SMTP_PASS"],
            "from_name": "Acme Telecom PBX",
        },
        "admin_email": v["ADMIN_EMAIL"],
        "vapid": {
            "subject": f"mailto:{v['NOC_EMAIL']}",
            "public_key": v["VAPID_PUBLIC"],
            "private_key": v["VAPID_PRIVATE"],
        },
        "api_keys": {"portal": v["PORTAL_API_KEY"], "provisioning": v["PROVISION_API_KEY"]},
        "sip": {
            "server": "pbx.acme-telecom.net",
            "port": 5060,
            "transport": "udp",
            "ami_user": "flexpbx-api",
            "ami_secret": v["AMI_SECRET"],
        },
        "default_settings": _default_settings(),
        "extensions": [ext("2001"), ext("2002"), ext("2003")],
    }
    user_template = {
        "extension": "",
        "name": "New User",
        "email": "user@example.com",
        "password": "HASHED_PLACEHOLDER",
        "role": "user",
        "voicemail": {"enabled": True, "attach": True},
        "notifications": {"push": True, "email": True},
    }
    admin_template = {
        "username": "admin",
        "name": "Administrator",
        "email": "admin@example.com",
        "password": "HASHED_PLACEHOLDER",
        "role": "admin",
        "permissions": ["extensions", "voicemail", "queues", "backups", "settings"],
        "escalation_email": v["TEMPLATE_EMAIL"],
        "force_password_change": True,
    }
    admin = {
        "username": "admin",
        "name": v["ADMIN_NAME"],
        "email": v["ADMIN_EMAIL"],
        "password_hash": v["ADMIN_HASH"],
        "totp_secret": v["ADMIN_TOTP"],
        "role": "admin",
        "created": "2025-09-01 09:00:00",
    }
    temp = {
        "extension": "2003",
        "email": v["EMAIL_2003"],
        "temp_password": v["TEMP_PASS_2003"],
        "expires": "2025-10-15 12:00:00",
        "used": False,
    }
    status = {
        "extension": "2001",
        "name": v["NAME_2001"],
        "online": True,
        "contact": "sip:2001@192.168.10.21:5060",
        "checked": 1760436902,
    }
    return {
        "home/flexpbx-config.json": (config, 0o640),
        "home/templates/user_template.json": (user_template, 0o640),
        "home/templates/admin_template.json": (admin_template, 0o640),
        "home/templates/settings_template.json": (_default_settings(), 0o640),
        "home/users/2001.json": (user_record("2001", "2025-09-02 10:14:00"), 0o640),
        "home/users/2002.json": (user_record("2002", "2025-09-02 10:20:00"), 0o640),
        "home/users/2003.json": (user_record("2003", "2025-09-15 16:02:00"), 0o640),
        "home/admins/admin.json": (admin, 0o640),
        "home/" + _USER_DATA[4]: (push("2001", "Chrome 141 / Windows"), 0o640),
        "home/" + _USER_DATA[5]: (push("2002", "Firefox 143 / Ubuntu"), 0o640),
        "home/temp_passwords/2003.json": (temp, 0o640),
        "home/cache/sip_status/2001.json": (status, 0o644),
        "home/public_html/api/cache/sip_status_2001.json": (status, 0o644),
    }


def _dump(value: Any) -> bytes:
    return (json.dumps(value, indent=2) + "\n").encode()


_PLACEHOLDER = re.compile(r"\{\{([A-Z0-9_]+)\}\}")


def _render(text: str, values: dict[str, str]) -> bytes:
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text).encode()


def _old_backup(entries: dict[str, tuple[bytes, int]]) -> bytes:
    """A `.flx` with user data, as the original tools wrote with -d."""
    files = []
    for rel in ("home/public_html/service-worker.js", "home/users/2001.json"):
        data = entries[rel][0]
        files.append(
            {
                "path": rel.removeprefix("home/"),
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "size": len(data),
                "content": base64.b64encode(data).decode(),
            }
        )
    return _dump(
        {
            "version": "1.0",
            "backup_type": "full_with_data",
            "created": "2025-10-13 02:00:00",
            "flexpbx_version": "1.0",
            "sensitive_data_included": True,
            "includes": {"system_files": True, "service_worker": True, "user_data": True},
            "file_count": len(files),
            "files": files,
            "default_settings": _default_settings(),
        }
    )


def _large_entries() -> dict[str, tuple[bytes, int]]:
    """2,000 ordinary PHP/JS files of a few KB and 40 binary images."""
    out: dict[str, tuple[bytes, int]] = {}
    for i in range(1000):
        rows = "".join(
            f"        ['id' => {i * 100 + r}, 'label' => 'Row {r} of module {i:04d}', "
            f"'enabled' => {'true' if r % 3 else 'false'}],\n"
            for r in range(20 + i % 40)
        )
        php = (
            "<?php\ndeclare(strict_types=1);\n\n"
            f"/** FlexPBX portal module {i:04d}. */\n"
            f"function flexpbx_module_{i:04d}_rows(): array\n{{\n    return [\n{rows}    ];\n}}\n"
        )
        out[f"home/public_html/modules/m{i // 100:02d}/module_{i:04d}.php"] = (php.encode(), 0o644)
        items = "".join(
            f"  {{ id: {i * 100 + r}, label: 'Item {r} of chunk {i:04d}', "
            f"on: {str(r % 2 == 0).lower()} }},\n"
            for r in range(20 + i % 40)
        )
        js = (
            f"/* FlexPBX portal chunk {i:04d}. */\n'use strict';\n\n"
            f"export const CHUNK_{i:04d} = [\n{items}];\n"
        )
        out[f"home/public_html/assets/js/c{i // 100:02d}/chunk-{i:04d}.js"] = (js.encode(), 0o644)
    for i in range(40):
        side = 16 + (i % 8) * 16
        png = _png(side, side, noise=f"asset-{i}")
        out[f"home/public_html/assets/img/icon-{i:02d}.png"] = (png, 0o644)
    return out


def build(
    home: Path,
    root: Path,
    *,
    user: str = "flexpbx",
    home_in_content: str | None = None,
    size: str = "small",
) -> Sample:
    """Lay out the installation under `home` and `root` (which stands in for "/").

    `home_in_content` (default `str(home)`) is the absolute home path written
    inside files, so migrate tests can check that paths are rewritten.
    """
    if size not in ("small", "large"):
        raise UsageError(f"unknown sample size {size!r}: use 'small' or 'large'")
    if root.resolve() == Path("/").resolve():
        raise UsageError("refusing to lay out the sample installation over the real system root")
    hic = str(home) if home_in_content is None else home_in_content
    values = {
        **_SECRETS,
        "HOME": hic,
        "HOME_DECOY": hic + "by",
        "USER": user,
        "VAPID_PUBLIC": _b64url(b"\x04" + _digest("vapid-public", 64)),
    }

    entries = {rel: (_render(text, values), mode) for rel, (text, mode) in _text_files().items()}
    for rel, (value, mode) in _json_files(user, hic, values).items():
        entries[rel] = (_dump(value), mode)
    entries["home/public_html/portal/img/logo.png"] = (_png(32, 32), 0o644)
    entries["system/var/spool/asterisk/voicemail/default/2001/INBOX/msg0000.wav"] = (
        _wav(64),
        0o640,
    )
    entries["system/var/spool/asterisk/monitor/q-support-2001-20251014-101500.wav"] = (
        _wav(128),
        0o640,
    )
    entries[_BACKUP_FILE] = (_old_backup(entries), 0o640)
    if size == "large":
        entries.update(_large_entries())

    bases = {"home": home, "system": root}

    def place(rel: str) -> Path:
        side, _, rest = rel.partition("/")
        return bases[side] / rest

    dirs: set[str] = {_EMPTY_DIR}
    for rel, (data, mode) in sorted(entries.items()):
        path = place(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink() or path.exists():
            path.unlink()  # also replaces read-only files on a second run
        path.write_bytes(data)
        path.chmod(mode)
        parent = rel.rpartition("/")[0]
        while parent.count("/") >= 1:
            dirs.add(parent)
            parent = parent.rpartition("/")[0]

    link, target = _SYMLINK
    link_path = place(link)
    if link_path.is_symlink() or link_path.exists():
        link_path.unlink()
    link_path.symlink_to(target)

    place(_EMPTY_DIR).mkdir(parents=True, exist_ok=True)
    for rel in sorted(dirs):
        place(rel).chmod(_DIR_MODES.get(rel, 0o755))

    return Sample(
        home=home,
        root=root,
        user=user,
        secrets=tuple(dict.fromkeys(_SECRETS.values())),
        user_data=_USER_DATA,
        excluded=_EXCLUDED,
    )


def grow_modules(home: Path, count: int) -> None:
    """`count` more files of ordinary PHP under public_html/modules/, about
    20 KB each: a portal big enough that a first push arrives as one pack
    (the guard's tests and bench/guard.py)."""
    modules = home / "public_html/modules"
    for i in range(count):
        rows = "".join(f"    ['id' => {i * 1000 + r}, 'label' => 'Row {r} of module {i:04d}', "
                       f"'enabled' => {'true' if r % 3 else 'false'}],\n" for r in range(260))
        p = modules / f"m{i // 100:02d}" / f"module_{i:04d}.php"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"<?php\ndeclare(strict_types=1);\n\n/** FlexPBX portal module {i:04d}. "
                     f"*/\nfunction module_{i:04d}(): array\n{{\n    return [\n{rows}    ];\n}}\n")
