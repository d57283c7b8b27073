"""flexgit: sanitized, versioned backups of FlexPBX installations in git."""

__version__ = "0.1.0"
