"""What is user data by its path: the privacy excludes of every profile.

gitignore patterns (flexgit.profile.Matcher compares them without regard to
case). Content decides the rest: binaries by kind (snapshot.binary_problem)
and names with personal data (flexgit.names).
"""

from __future__ import annotations

# Never read into the shareable store, on either side and at any depth,
# whatever a profile says (the seed's "What NEVER Gets Backed Up"). A TOML file
# can add excludes but not remove these. A pattern without a slash but a
# trailing one matches a name anywhere (gitignore), and these match without
# regard to case (`Logs/`, `*.WAV`): user data is user data by its kind, not
# by where an application happened to put it.
USER_RECORDS: tuple[str, ...] = (
    "users/", "admins/", "temp_passwords/", "push_subscriptions/",
    # The same records kept as one file, and web-push subscriptions by any name.
    "users.json", "admins.json", "push_sub*", "*push_subscription*",
)
VOICEMAIL: tuple[str, ...] = (
    "voicemail/", "/var/spool/asterisk/voicemail/", "**/spool/asterisk/voicemail/",
    # Message folders by other names (voicemail_msgs/, vm-messages/).
    "voicemail*msg*/", "voicemail*message*/", "vm[_-]msg*/", "vm[_-]message*/",
)
# Voicemail messages are audio files: a --include-voicemail snapshot needs both
# lifted (see flexgit.profile.Profile.with_data).
AUDIO: tuple[str, ...] = (
    "*.wav", "*.wav49", "*.gsm", "*.mp3", "*.ulaw", "*.alaw", "*.g722", "*.g729", "*.sln*",
    "*.ogg", "*.opus", "*.flac", "*.m4a",
)
PRIVACY_EXCLUDES: tuple[str, ...] = (
    *USER_RECORDS, *VOICEMAIL, *AUDIO,
    # Sessions, caches and scratch space. Not `tmp*/`: Joomla-style `tmpl/`
    # directories hold view templates, which are code.
    "sessions*/", "sess_*", "cache*/", ".cache/", "temp/", "tmp/", "tmp[!l]*/", ".tmp/",
    # Logs, rotated and compressed ones too.
    "*.log", "*.log.[0-9]*", "*.log.gz", "*.log.bz2", "*.log.xz", "*.log.zst", "*.log-[0-9]*",
    "*.log.txt", "*.log.old", "*_log.txt", "*-log.txt", "php_errors*", "*error_log*",
    "error_log", "error_log.[0-9]*", "error_log-[0-9]*", "error_log.gz",
    "log/", "logs/", "logs.*/", "logs-*/", "logs_*/", "/var/log/",
    # Recordings of calls.
    "recordings/", "call_recordings/", "monitor/", "/var/spool/asterisk/monitor/",
    "**/spool/asterisk/monitor/",
    # CDR and call reports (who called whom, when). Report *files* and their
    # directories: a PHP page that renders reports (call_report.php) is code.
    "Master.csv", "cdr*.csv", "cdr-csv/", "cdr-custom/", "cdr_csv/", "cdr_custom/",
    "/var/log/asterisk/cdr-*", "call_report*.csv", "call_report*.txt", "call_report*.json",
    "call_report*.xls", "call_report*.xlsx", "call_report*.pdf", "call_reports/",
    "calls*.csv", "call_log*", "call-log*", "calllog*", "*call*export*.csv",
    # Address books of people (phone provisioning phonebooks are config: sanitized).
    "*.vcf", "*.vcard", "contacts*.csv",
    # What users uploaded. The directory itself is the portal's structure
    # (kept as an empty directory); only what is in it is theirs.
    "**/uploads/*", "**/avatars/*",
    # Databases, with SQLite's journal and WAL files.
    "*.sqlite", "*.sqlite3", "*.sqlite-*", "*.sqlite3-*", "*.db", "*.db-journal", "*.db-wal",
    "*.db-shm", "*.mdb", "*.accdb", "*.db2", "*.db3", "*.s3db", "*.sl3", "*.sdb", "*.dbf",
    "*.ibd", "*.myd", "*.frm",
    # Database dumps compressed (a plain .sql is text, and sanitized).
    "*.sql.gz", "*.sql.bz2", "*.sql.xz", "*.sql.zst", "*.sql.zip", "*.dump", "*.dump.gz",
    # Backups and editor leftovers: a copy of a file from before it was
    # sanitized is the file unsanitized.
    "*.bak", "*.bak[0-9._-]*", "*.backup", "*.old", "*.orig", "*.save", "*~", "*.swp", "*.swo",
    "/backup/",
    ".flexgit-tmp-*",
    # Another version control system's store: its objects hold every old,
    # unsanitized version, and git refuses a tree entry named .git (fsck).
    ".git/", ".svn/", ".hg/", ".bzr/",
)
