"""SQL rows (flexgit/sanitize/sql_rows.py, read; flexgit/sanitize/sql.py, decided):
names, phones and secrets by the column a cell is in, from the statement's
column list, the file's CREATE TABLE, or the value's shape."""

from __future__ import annotations

import pytest

from flexgit.sanitize import sanitize
from flexgit.sanitize.sql_rows import rows, schemas

R = "FLEXGIT-REDACTED"
NAME = "FlexPBX User"
PHONE = "+15555550100"
SQL = "home/schema/flexpbx.sql"


def clean(text: str) -> str:
    return sanitize(SQL, text.encode()).data.decode()


def test_schema_columns_skip_constraints() -> None:
    text = ("CREATE TABLE IF NOT EXISTS `pbx`.`directory` (\n  `id` int NOT NULL,\n"
            "  `full_name` varchar(128) DEFAULT 'a,b',\n  cell varchar(32),\n"
            "  PRIMARY KEY (`id`),\n  KEY idx (cell)\n) ENGINE=InnoDB;\n")
    assert schemas(text) == {"directory": ["id", "full_name", "cell"]}


def test_rows_know_their_columns_from_list_schema_or_not_at_all() -> None:
    text = ("CREATE TABLE t (a int, b text);\nINSERT INTO t VALUES (1, 'x'), (2, MD5('y'));\n"
            "INSERT INTO u (c, d) VALUES ('p', NULL);\nINSERT INTO v VALUES ('q');\n"
            "COPY w (e, f) FROM stdin;\n1\t\\N\n\\.\nUPDATE t SET b = 'z', a = 3 WHERE a = 1;\n")
    got = [(r.table, [(c.column, c.value(text), c.quoted) for c in r.cells]) for r in rows(text)]
    assert got == [
        ("t", [("a", "1", False), ("b", "x", True)]),
        ("t", [("a", "2", False), ("b", "y", True)]),
        ("u", [("c", "p", True), ("d", "NULL", False)]),
        ("v", [(None, "q", True)]),
        ("w", [("e", "1", True)]),
        ("t", [("b", "z", True), ("a", "3", False)]),
    ]


@pytest.mark.parametrize(("text", "expected"), [
    # the outside red team's row: no column list, columns from CREATE TABLE
    ("CREATE TABLE users (id INT, username VARCHAR(64), password VARCHAR(255), full_name "
     "VARCHAR(128), email VARCHAR(128), phone VARCHAR(32));\n"
     "INSERT INTO users VALUES (1,'admin','Kx8#aP2qLm9z','Ottoline Oyelaran',NULL,'5039461323');",
     "CREATE TABLE users (id INT, username VARCHAR(64), password VARCHAR(255), full_name "
     "VARCHAR(128), email VARCHAR(128), phone VARCHAR(32));\n"
     f"INSERT INTO users VALUES (1,'admin','{R}','{NAME}',NULL,'{PHONE}');"),
    # multi-row VALUES over lines, split names, a phone as a number
    ("INSERT INTO contacts (id, first_name, last_name, mobile) VALUES\n"
     "  (1, 'Eudoxia', 'Tremayne', '4152339804'),\n  (2, 'Leopold', 'Haverkamp', 4152339805);",
     "INSERT INTO contacts (id, first_name, last_name, mobile) VALUES\n"
     "  (1, 'FlexPBX', 'User', '+15555550100'),\n  (2, 'FlexPBX', 'User', 15555550100);"),
    # COPY ... FROM stdin (pg_dump), a national number of another country
    ("COPY public.staff (id, display_name, phone) FROM stdin;\n1\tDmitri Brennan\t3052339806\n"
     "2\tIngrid Wójcik\t030 12345678\n\\.",
     f"COPY public.staff (id, display_name, phone) FROM stdin;\n1\t{NAME}\t{PHONE}\n"
     f"2\t{NAME}\t{PHONE}\n\\."),
    ("UPDATE users SET full_name = 'Gideon Xiong', mobile = '7132339804' WHERE id = 3;",
     f"UPDATE users SET full_name = '{NAME}', mobile = '{PHONE}' WHERE id = 3;"),
    ("UPDATE admins SET password = MD5('Kx8#aP2qLm9z') WHERE username = 'admin';",
     f"UPDATE admins SET password = MD5('{R}') WHERE username = 'admin';"),
    # no columns anywhere: a whole valid number and a full name, by shape
    ("INSERT INTO people VALUES (7, 'x7', 'Priya Nakashima', '3052339804', NOW());",
     f"INSERT INTO people VALUES (7, 'x7', '{NAME}', '{PHONE}', NOW());"),
    ("INSERT INTO t VALUES ('02079460958', 'Sales Queue');",
     f"INSERT INTO t VALUES ('{PHONE}', 'Sales Queue');"),
])
def test_rows_lose_names_phones_and_secrets(text: str, expected: str) -> None:
    assert clean(text + "\n") == expected + "\n"


@pytest.mark.parametrize("text", [
    "INSERT INTO extensions (extension, name, context) VALUES ('2001', 'Reception', 'internal');",
    "INSERT INTO queues VALUES ('sales', 'ringall', 30, 2024031412);",
    "INSERT INTO sip_users (username, context) VALUES ('2002', 'internal');",
    "INSERT INTO trunks (name, host) VALUES ('voipms', 'montreal.voip.ms');",
    "INSERT INTO cdr VALUES ('2001', '2002', 4155550100, 35);",  # numbers: ids, counts
    "COPY cdr (src, dst, duration) FROM stdin;\n2001\t2002\t35\n\\.",
    "CREATE INDEX idx_ext ON users (username);",
    "UPDATE settings SET value = 'on' WHERE name = 'night_mode';",
])
def test_functional_rows_stay(text: str) -> None:
    assert clean(text + "\n") == text + "\n"


def test_sanitized_dump_is_a_fixed_point() -> None:
    text = ("INSERT INTO users (full_name, phone, password) VALUES ('Ada Okafor', '4152339804', "
            "'Kx8#aP2qLm9z');\n")
    once = clean(text)
    assert once == f"INSERT INTO users (full_name, phone, password) VALUES ('{NAME}', '{PHONE}', " \
                   f"'{R}');\n"
    assert clean(once) == once


def test_mysql_insert_set() -> None:
    text = ("INSERT INTO contacts SET full_name = 'Gideon Xiong', mobile = '7132339804', "
            "ext = 2001;\n")
    assert clean(text) == (f"INSERT INTO contacts SET full_name = '{NAME}', mobile = '{PHONE}', "
                           "ext = 2001;\n")
