"""Moved to flexgit.snapshot.statcache; this name stays while branches made before
the move are merged (import from flexgit.snapshot.statcache)."""

from flexgit.snapshot.statcache import *  # noqa: F403
