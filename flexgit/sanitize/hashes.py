"""Password hashes in every crypt(3), htpasswd, LDAP, pbkdf2 and MySQL form, wherever they stand."""

from __future__ import annotations

from flexgit.sanitize.engine import Editor
from flexgit.sanitize.rules import Rules


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim what this layer finds in editor.text (see the module docstring)."""
