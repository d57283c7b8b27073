"""Builders shared by the backup-file tests: snapshots made by hand with C git,
backup files written the way the original shell tools wrote them."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from tests.conftest import Env

GIT_ID = ("-c", "user.name=test", "-c", "user.email=test@example.com")


def _mktree(env: Env, entries: dict[str, tuple[str, str]]) -> str:
    """entries: name -> (mode, id); nested dicts are built bottom-up by the caller."""
    text = "".join(f"{mode} {'tree' if mode == '040000' else 'blob'} {sha}\t{name}\n"
                   for name, (mode, sha) in sorted(entries.items()))
    return env.git("mktree", input=text.encode()).decode().strip()


def commit_by_hand(env: Env, files: dict[str, bytes], message: str = "by hand") -> str:
    """A commit of `files` (tree path -> content) made with C git only, on main."""
    root: dict[str, object] = {}
    for path, data in files.items():
        *dirs, name = path.split("/")
        node = root
        for d in dirs:
            node = node.setdefault(d, {})  # type: ignore[assignment]
        node[name] = data

    def build(node: dict[str, object]) -> str:
        entries: dict[str, tuple[str, str]] = {}
        for name, value in node.items():
            if isinstance(value, dict):
                entries[name] = ("040000", build(value))
            else:
                assert isinstance(value, bytes)
                sha = env.git("hash-object", "-w", "--stdin", input=value).decode().strip()
                entries[name] = ("100644", sha)
        return _mktree(env, entries)

    tree = build(root)
    parent: tuple[str, ...] = ()
    try:
        head = env.git("rev-parse", "--verify", "-q", "refs/heads/main").decode().strip()
        parent = ("-p", head)
    except Exception:
        pass
    commit = env.git(*GIT_ID, "commit-tree", tree, *parent, "-m", message).decode().strip()
    env.git("update-ref", "refs/heads/main", commit)
    return commit


def legacy_entry(path: str, data: bytes) -> str:
    """One entry exactly as the original tool's string concatenation printed it."""
    return ('    {\n'
            f'      "path": "{path}",\n'
            f'      "hash": "sha256:{hashlib.sha256(data).hexdigest()}",\n'
            f'      "size": {len(data)},\n'
            f'      "content": "{base64.b64encode(data).decode()}"\n'
            '    }')


def legacy_file(target: Path, files: dict[str, bytes], *, file_count: int,
                backup_type: str = "system_config", extra: str = "") -> Path:
    """A backup file built by string concatenation like the original tools did:
    a counter for file_count, an `excludes` object, no root/mode fields."""
    body = ",\n".join(legacy_entry(p, d) for p, d in files.items())
    text = ('{\n'
            '  "version": "1.0",\n'
            f'  "backup_type": "{backup_type}",\n'
            '  "created": "2025-10-14 12:00:00",\n'
            '  "flexpbx_version": "1.0",\n'
            '  "sensitive_data_included": false,\n'
            '  "includes": {\n    "system_files": true,\n    "asterisk_templates": true,\n'
            '    "sudo_config": true\n  },\n'
            '  "excludes": {\n    "user_data": true,\n    "passwords": true,\n'
            '    "sessions": true,\n    "subscriptions": true,\n    "cache": true,\n'
            '    "logs": true\n  },\n'
            f'  "file_count": {file_count},\n'
            '  "files": [\n' + body + '\n  ],\n'
            '  "default_settings": {"timezone": "America/New_York", "smtp_password": "Sm7pPass!"}'
            + extra + '\n}\n')
    target.write_text(text)
    return target
