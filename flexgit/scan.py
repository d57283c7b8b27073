"""Moved to flexgit.snapshot.scan; this name stays while branches made before
the move are merged (import from flexgit.snapshot.scan)."""

from flexgit.snapshot.scan import *  # noqa: F403
