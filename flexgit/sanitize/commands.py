"""Credentials on the command lines of the usual tools (mysql -p, sshpass, curl -u, ...)."""

from __future__ import annotations

from flexgit.sanitize.engine import Editor
from flexgit.sanitize.rules import Rules


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim what this layer finds in editor.text (see the module docstring)."""
