"""Moved to flexgit.snapshot.manifest; this name stays while branches made before
the move are merged (import from flexgit.snapshot.manifest)."""

from flexgit.snapshot.manifest import *  # noqa: F403
