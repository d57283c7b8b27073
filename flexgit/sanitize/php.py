"""PHP: string literals bound to secrets, by key or by their place in an expression.

Only the contents of literals change (quotes stay), so a file that lints keeps
linting; code references (``$password = $_POST['password']``,
``'password' => $hash``, ``password_hash($pw, PASSWORD_DEFAULT)``) have no
literal and stay. Runs on every text file (PHP snippets live in docs and HTML
too); operands of the place-bound forms must be PHP's (``$x``, ``$x->y``,
``$x['y']``).

``text.php_literal``, a literal under a secret-named key (:mod:`.keys`):
``'db_password' => '...'``, ``define('DB_PASS', '...')``, ``$secret = "..."``,
``private $secret = '...'``, ``$this->password = '...'``, ``$mail->Password =
'...'``, ``$cfg['db_pass'] = '...'``, and the password argument of ``new
PDO(...)``, ``new mysqli(...)``, ``mysqli_connect(...)``.

``php.binding``, a literal secret by its place (:mod:`.bindings`, maps: :mod:`.credmaps`):

* constants named with key/salt/secret/token/pass words: ``define('NONCE_KEY',
  '...')``, ``const API_SECRET = '...'`` (WordPress's "put your unique phrase
  here" stays);
* fallbacks: ``getenv('DB_PASS') ?: '...'``, ``$_ENV['DB_PASS'] ?? '...'``,
  ``$_SERVER[...] ?? '...'``, ``env('APP_KEY', '...')``, ``config('x.secret', '...')``;
* comparisons: ``$password === '...'``, ``'...' == $pin``, ``strcmp($secret, '...')``,
  ``password_verify('...', $hash)`` (a hash literal in the second argument is
  the hash patterns' job), and every literal operand of ``hash_equals``, whatever
  the other is named (``hash_equals($sig, getenv('K') ?? '...')``);
* maps of credentials, over any number of lines: ``$passwords = ['2001' =>
  '...']``, ``'api_keys' => [...]``, ``'credentials' => ['users' => ['admin' =>
  '...']]``, Guzzle's ``'auth' => ['user', '...']``;
* the secret argument of ``ftp_login``, ``ssh2_auth_password``, ``ldap_bind``,
  ``imap_open``, ``openssl_pkey_get_private``, ``hash_hmac``, ``JWT::encode``,
  ``new Key(...)``, ``->login(u, p)``, ``->auth(p)``, ``->setPassword(p)`` and
  every ``->set*``/``->with*`` method named for a secret, ``->withBasicAuth(u, p)``.

tree-sitter's PHP grammar was measured for this (3.6 MB/s to parse the
sample's PHP, before any query: a sixth of the whole sanitizer's speed); the
shapes above need only a bracket-aware scan, which is what they get.
"""

from __future__ import annotations

import re

from flexgit.sanitize.anchored import anchored
from flexgit.sanitize.bindings import AUTH, COMPARED, SECRETS, Call, Finder, secret_kind
from flexgit.sanitize.credmaps import containers
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.rules import Rules
from flexgit.sanitize.text import IDENT, KEY, LIT, LIT_ONLY, Form, Literals, split_args

_ARRAY_KEY = re.compile(rf"(?P<kq>['\"]){KEY}(?P=kq)\s*=>\s*{LIT}")
_DEFINE = re.compile(rf"define(?<![\w$]define)\s*\(\s*(?P<kq>['\"]){KEY}(?P=kq)\s*,\s*{LIT}")
# (rule, needle, searcher) in priority order, as in .text.
_FORMS: tuple[Form, ...] = (
    ("text.php_literal", "=>",
     anchored(_ARRAY_KEY, r"=>\s*['\"]", "dotted", spaces=True, quoted=True)),
    ("text.php_literal", "define", _DEFINE),
    ("text.php_literal", "$", re.compile(rf"(?:\$|->|::\$){IDENT}\s*=(?![=>])\s*{LIT}")),
    ("text.php_literal", "[",
     re.compile(rf"\[\s*(?P<kq>['\"]){KEY}(?P=kq)\s*\]\s*=(?![=>])\s*{LIT}")),
)  # fmt: skip
_CONST = re.compile(rf"const(?<![\w$]const)\s+(?:\??[\w\\]+\s+)?{IDENT}\s*=\s*{LIT}")

_CONNECT = re.compile(
    r"(?:\bnew\s+\\?(?P<pdo>PDO|mysqli)|\b(?P<fn>mysqli_connect|mysql_connect|"
    r"mysqli_real_connect))\s*\(",
    re.I,
)
_CONNECT_NEEDLE = re.compile(r"(?i)pdo|mysql")

_SOURCE = (
    r"(?:(?:getenv|env|config)\s*\(\s*['\"][\w.\-]+['\"]\s*\)"
    r"|\$_(?:ENV|SERVER)\s*\[\s*['\"][\w.\-]+['\"]\s*\])"
)
_FALLBACK = re.compile(rf"\?[:?]\s*{LIT}")
_SOURCES_BEFORE = re.compile(rf"(?<![\w$>:]){_SOURCE}(?:\s*\?[:?]\s*{_SOURCE})*\s*\Z")
_SOURCE_KEY = re.compile(r"['\"]([\w.\-]+)['\"]")
_DEFAULT_ARGS = tuple(
    re.compile(rf"{fn}(?<![\w$>:]{fn})\s*\(\s*(?P<kq>['\"]){KEY}(?P=kq)\s*,\s*{LIT}")
    for fn in ("env", "config")
)


def _function(name: str) -> re.Pattern[str]:
    return re.compile(rf"{name}(?<![\w$>:]{name})\s*\(")


def _method(name: str, rest: str = "") -> re.Pattern[str]:
    """``->name(`` or ``::name(``, led by the name's literal."""
    return re.compile(rf"{name}(?:(?<=->{name})|(?<=::{name})){rest}\s*\(")


# Each regex starts with a literal, which re finds as fast as a substring
# test; a needle spares the scans of the calls that share it.
_CALLS: tuple[Call, ...] = (
    Call("login", _function("ftp_login"), 2),
    Call("login", _method("login"), 1),
    Call("auth", _function("ssh2_auth_password"), 2),
    Call("auth", _method("auth"), AUTH),
    Call("auth", _method("authenticate"), 1),
    Call("ldap_", _function("ldap_bind"), 2),
    Call("ldap_", _function("ldap_sasl_bind"), 2),
    Call("", _function("imap_open"), 2),
    Call("openssl_", _function("openssl_pkey_get_private"), 1),
    Call("openssl_", _function("openssl_pkcs12_read"), 2),
    Call("openssl_", _function("openssl_encrypt"), 2),  # ($data, $cipher, $key, ...)
    Call("openssl_", _function("openssl_decrypt"), 2),
    Call("hash_", _function("hash_hmac"), 2),
    Call("hash_", _function("hash_equals"), SECRETS),
    Call("cmp", _function("strcmp"), COMPARED),
    Call("cmp", _function("strcasecmp"), COMPARED),
    # The plain password, whatever it is named; a hash literal second is the patterns'.
    Call("", _function("password_verify"), 0),
    Call("", re.compile(r"JWT::encode\s*\("), 1),  # firebase/php-jwt
    Call("", re.compile(r"Key(?:(?<=new Key)|(?<=\\Key))\s*\("), 0),
    Call("set", _method("set", r"(?P<rest>[A-Z_]\w*)"), -1, by_name=True),
    Call("with", _method("with", r"(?P<rest>[A-Z_]\w*)"), -1, by_name=True),
)
# A "$" in these is jQuery's, and their "=>" an arrow: no PHP binding there.
_NOT_PHP = (".js", ".mjs", ".cjs", ".ts", ".jsx", ".tsx", ".vue", ".css", ".scss", ".json", ".map")


def _may_connect(text: str) -> bool:
    """Whether _CONNECT can match; its case-insensitive "\\b"-led scan is slow.

    Substring tests on the lower-cased text are exact for ASCII only (re.I
    folds some non-ASCII letters to ASCII ones), so other text takes the regex.
    """
    if not text.isascii():
        return _CONNECT_NEEDLE.search(text) is not None
    low = text.lower()
    return ("new" in low and ("pdo" in low or "mysqli" in low)) or (
        "mysql" in low and "_connect" in low
    )


class PhpSanitizer(Literals):
    def run(self) -> None:
        self.forms(_FORMS)
        if _may_connect(self.text):
            self.connect_calls()
        if self.path.lower().endswith(_NOT_PHP):
            return
        finder = Finder(self, "php.binding", php=True)
        self.broad(_DEFINE, finder)
        if finder.php_file:  # elsewhere a const is JavaScript's (.js)
            self.broad(_CONST, finder)
        self.fallbacks(finder)
        for regex in _DEFAULT_ARGS:
            self.broad(regex, finder)
        finder.comparisons()
        containers(finder)
        finder.calls(_CALLS)

    def connect_calls(self) -> None:
        """The third positional argument of PDO/mysqli constructors is a password."""
        for m in _CONNECT.finditer(self.text):
            index = 3 if (m.group("fn") or "").lower() == "mysqli_real_connect" else 2
            args = split_args(self.text, m.end())
            if len(args) <= index:
                continue
            arg = LIT_ONLY.fullmatch(self.text, *args[index])
            if arg is not None:
                self.quoted(arg, "password", "text.php_literal")

    def broad(self, regex: re.Pattern[str], finder: Finder) -> None:
        """Literals under names that are secret by any of their words."""
        for m in regex.finditer(self.text):
            name = m.group("key").rsplit(".", 1)[-1]  # config('mail.smtp.password')
            kind = secret_kind(name, self.extra, broad=True)
            if kind is not None:
                finder.claim(m, name, kind)

    def fallbacks(self, finder: Finder) -> None:
        """The default after ``?:``/``??`` of a chain of environment look-ups."""
        for m in _FALLBACK.finditer(self.text):
            chain = _SOURCES_BEFORE.search(self.text, max(0, m.start() - 300), m.start())
            if chain is None:
                continue
            for key in _SOURCE_KEY.findall(chain.group()):
                kind = secret_kind(key.rsplit(".", 1)[-1], self.extra, broad=True)
                if kind is not None:
                    finder.claim(m, key, kind)
                    break


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim PHP's secret literals in editor.text (see the module docstring)."""
    PhpSanitizer(editor, rules, path).run()
