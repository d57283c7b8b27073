"""Backup files: the `.flx`/`.flxx` writer, the streaming reader and importer."""
