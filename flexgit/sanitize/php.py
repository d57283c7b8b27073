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

``php.binding``, a literal secret by its place (:mod:`.bindings`):

* constants named with key/salt/secret/token/pass words: ``define('NONCE_KEY',
  '...')``, ``const API_SECRET = '...'`` (WordPress's "put your unique phrase
  here" stays);
* fallbacks: ``getenv('DB_PASS') ?: '...'``, ``$_ENV['DB_PASS'] ?? '...'``,
  ``$_SERVER[...] ?? '...'``, ``env('APP_KEY', '...')``, ``config('x.secret', '...')``;
* comparisons: ``$password === '...'``, ``'...' == $pin``, ``strcmp($secret, '...')``,
  ``hash_equals('...', $token)``, ``password_verify('...', $hash)`` (a hash
  literal in the second argument is the hash patterns' job);
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
from flexgit.sanitize.bindings import AUTH, Call, Finder, last_name, secret_kind
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
_FALLBACK = re.compile(rf"(?:\?:|\?\?)\s*{LIT}")
_SOURCES_BEFORE = re.compile(rf"(?<![\w$>:]){_SOURCE}(?:\s*(?:\?:|\?\?)\s*{_SOURCE})*\s*\Z")
_SOURCE_KEY = re.compile(r"['\"]([\w.\-]+)['\"]")
_DEFAULT_ARG = re.compile(
    rf"(?:env(?<![\w$>:]env)|config(?<![\w$>:]config))\s*\(\s*(?P<kq>['\"]){KEY}(?P=kq)\s*,\s*{LIT}"
)
_COMPARE = re.compile(
    r"(?<![\w$>:])(?P<fn>strcmp|strcasecmp|hash_equals|password_verify)\s*\("
)


def _function(name: str) -> re.Pattern[str]:
    return re.compile(rf"{name}(?<![\w$>:]{name})\s*\(")


def _method(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?:->|::)\s*{name}\s*\(", re.I)


_CALLS: tuple[Call, ...] = (
    Call(("ftp_login",), _function("ftp_login"), 2),
    Call(("ssh2_auth_password",), _function("ssh2_auth_password"), 2),
    Call(("ldap_bind",), _function("ldap_bind"), 2),
    Call(("ldap_sasl_bind",), _function("ldap_sasl_bind"), 2),
    Call(("imap_open",), _function("imap_open"), 2),
    Call(("openssl_pkey_get_private",), _function("openssl_pkey_get_private"), 1),
    Call(("openssl_pkcs12_read",), _function("openssl_pkcs12_read"), 2),
    Call(("hash_hmac",), _function("hash_hmac"), 2),
    Call(("JWT::",), re.compile(r"\bJWT::encode\s*\("), 1),  # firebase/php-jwt
    Call(("Key(", "Key ("), re.compile(r"\bnew\s+\\?(?:[\w\\]+\\)?Key\s*\("), 0),
    Call(("login",), _method("login"), 1),
    Call(("auth",), _method("auth"), AUTH),
    Call(("authenticate",), _method("authenticate"), 1),
    Call(("->set", "::set", "-> set"),
         re.compile(r"(?:->|::)\s*set(?P<rest>[A-Z_]\w*)\s*\("), -1, by_name=True),
    Call(("->with", "::with", "-> with"),
         re.compile(r"(?:->|::)\s*with(?P<rest>[A-Z_]\w*)\s*\("), -1, by_name=True),
)  # fmt: skip


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
        finder = Finder(self, "php.binding", php=True)
        if "define" in self.text:
            self.broad(_DEFINE, finder)
        if "const" in self.text and finder.php_file:  # elsewhere JavaScript's (.js)
            self.broad(_CONST, finder)
        if "??" in self.text or "?:" in self.text:
            self.fallbacks(finder)
        if "env" in self.text or "config" in self.text:
            self.broad(_DEFAULT_ARG, finder)
        if "=" in self.text or "<>" in self.text:
            finder.comparisons()
        self.compare_calls(finder)
        finder.containers()
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

    def compare_calls(self, finder: Finder) -> None:
        """``strcmp``/``hash_equals`` of a literal and a secret; ``password_verify``'s
        first argument is the plain password whatever it is named."""
        if not any(fn in self.text for fn in ("strcmp", "strcasecmp", "hash_equals", "_verify")):
            return
        for m in _COMPARE.finditer(self.text):
            args = split_args(self.text, m.end())
            if len(args) < 2:
                continue
            if m.group("fn") == "password_verify":
                finder.claim_arg(args[0])
                continue
            for mine, other in ((args[0], args[1]), (args[1], args[0])):
                expr = self.text[other[0] : other[1]]
                name = last_name(expr)
                if "$" in expr and secret_kind(name, self.extra) is not None:
                    finder.claim_arg(mine, name)


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim PHP's secret literals in editor.text (see the module docstring)."""
    PhpSanitizer(editor, rules, path).run()
