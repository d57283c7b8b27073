"""JavaScript (and JSON in docs): string literals bound to secrets, by key or by place.

Only the contents of literals change (quotes stay). Runs on every text file
(scripts live in HTML and PHP, JSON snippets in Markdown); operands of the
place-bound forms must be JavaScript's (no ``$``: those are PHP's, :mod:`.php`).

``text.js_literal``, a literal under a secret-named key (:mod:`.keys`):
``password: '...'``, ``"password": "..."``, ``const API_KEY = "..."``,
``this.token = '...'``, ``pass='...'`` keyword arguments, template literals
without interpolation (```'auth-token': `...` ```), TypeScript's typed
declarations (``private readonly clientSecret: string = '...'``); so also the options
objects of ``new Pool({ password })``, ``mysql.createConnection({...})``,
nodemailer's ``auth: { user, pass }`` and ``new AMI({ secret })``.

``js.binding``, a literal secret by its place (:mod:`.bindings`, maps: :mod:`.credmaps`):

* ``const``/``let``/``var`` named with key/salt/secret/token/pass words
  (``const STRIPE_KEY = '...'``);
* fallbacks: ``process.env.API_KEY || '...'``, ``process.env['TOKEN'] ?? '...'``,
  ``import.meta.env.VITE_KEY || '...'``;
* comparisons: ``if (pass === "...")``, ``'...' == req.body.pin`` (not
  ``typeof password === 'string'``);
* maps of credentials over any number of lines: ``passwords: { '2001': '...' }``,
  ``const creds = { users: { admin: '...' } }``, ``auth: ['user', '...']``;
* the secret argument of ``.login(u, p)``, ``.auth(u, p)`` / ``.auth(token,
  {type: 'bearer'})``, ``.authenticate(u, p)``, ``.set*`` methods named for a
  secret, ``crypto.createHmac(alg, key)``, ``jwt.sign``/``jwt.verify``,
  ``bcrypt.compare(p, hash)``, every literal of ``crypto.timingSafeEqual``,
  and the Asterisk AMI libraries:
  ``ami.login(u, p)``, ``client.connect(u, p, {...})`` (asterisk-ami-client),
  ``new AsteriskManager(port, host, u, p)`` and
  ``require('asterisk-manager')(port, host, u, p)``.

tree-sitter's JavaScript grammar parses the sample's scripts at 4.4 MB/s,
a quarter of this whole sanitizer's speed: the bracket-aware scan of
:mod:`.bindings` does what these forms need.
"""

from __future__ import annotations

import re

from flexgit.sanitize.anchored import anchored
from flexgit.sanitize.bindings import AUTH, SECRETS, Call, Finder, secret_kind
from flexgit.sanitize.credmaps import containers
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.rules import Rules
from flexgit.sanitize.text import IDENT, KEY, LIT, Form, Literals

_QUOTED_KEY = re.compile(rf"(?P<kq>['\"]){KEY}(?P=kq)\s*:\s*{LIT}")
_BARE_KEY = re.compile(rf"(?<![\w$>\-]){IDENT}\s*(?::|=(?![=>]))\s*{LIT}")
# A template literal without interpolation is a plain string (`${x}` is code).
_TEMPLATE = r"(?P<v_q>`)(?P<v>(?:[^`\\$\n]|\\.|\$(?!\{))*)`"
# TypeScript: a type annotation between the name and "=" (readonly x: string = '...').
_ONE_TYPE = r"[\w.$]+(?:<[^<>=\n]*>)?(?:\[\])*"
_TYPE_TEXT = rf"{_ONE_TYPE}(?:[ \t]*[|&][ \t]*{_ONE_TYPE})*"  # string | null
_TYPE = rf"(?P<type>{_TYPE_TEXT})"
# Any of the three quotes; no "${" inside (a template's interpolation).
_ANY_LIT = r"(?P<v_q>['\"`])(?P<v>(?:(?!(?P=v_q))(?!\$\{)[^\\\n]|\\.)*)(?P=v_q)"
_TYPED = re.compile(rf"(?<![\w$>\-.]){IDENT}[ \t]*[?!]?:[ \t]*{_TYPE}[ \t]*=(?![=>])[ \t]*"
                    rf"{_ANY_LIT}")
_FORMS: tuple[Form, ...] = (
    ("text.js_literal", ":",
     anchored(_QUOTED_KEY, r":\s*['\"]", "dotted", spaces=True, quoted=True)),
    ("text.js_literal", "",
     anchored(_BARE_KEY, r"(?::|=(?![=>]))\s*['\"]", "word", spaces=True)),
    ("text.js_literal", ":", anchored(
        _TYPED, rf"[?!]?:[ \t]*{_TYPE_TEXT}[ \t]*=(?![=>])[ \t]*['\"`]", "word", spaces=True)),
)  # fmt: skip
# In prose a backtick opens a code span (`Password: `x``), not a template:
# these run on files that hold scripts.
_TEMPLATE_FORMS: tuple[Form, ...] = (
    ("text.js_literal", "`", anchored(re.compile(
        rf"(?P<kq>['\"]){KEY}(?P=kq)\s*:\s*{_TEMPLATE}"), r":\s*`", "dotted", spaces=True,
        quoted=True)),
    ("text.js_literal", "`", anchored(re.compile(
        rf"(?<![\w$>\-]){IDENT}\s*(?::|=(?![=>]))\s*{_TEMPLATE}"), r"(?::|=(?![=>]))\s*`",
        "word", spaces=True)),
)  # fmt: skip
_SCRIPTS = (".js", ".mjs", ".cjs", ".ts", ".jsx", ".tsx", ".vue", ".svelte", ".html", ".htm",
            ".php", ".phtml", ".inc", ".tpl", ".twig")
_DECLARED = re.compile(rf"(?<![\w$>\-.]){IDENT}\s*=(?![=>])\s*{LIT}")
_DECLARED_ANCHORED = anchored(_DECLARED, r"=(?![=>])\s*['\"]", "word", spaces=True)
# const/let/var before the name, or a comma of the same declaration.
_DECLARATION = re.compile(r"(?:(?<![\w$.])(?:const|let|var)\s+|,\s*)\Z")
_ENV_FALLBACK = re.compile(
    rf"env(?<![\w$]env)(?:\.(?P<key>[A-Za-z_]\w*)|\[\s*(?P<kq>['\"])(?P<key2>[\w.\-]+)(?P=kq)\s*\])"
    rf"\s*(?:\|\||\?\?)\s*{LIT}"
)


def _method(name: str, rest: str = "") -> re.Pattern[str]:
    """``.name(``, led by the name's literal (re finds it fast)."""
    return re.compile(rf"{name}(?<=\.{name}){rest}\s*\(")


# Each regex starts with a literal, which re finds as fast as a substring test.
_CALLS = (
    Call("", _method("login"), 1),
    Call("auth", _method("auth"), AUTH),
    Call("auth", _method("authenticate"), 1),
    Call("", _method("set", r"(?P<rest>[A-Z_]\w*)"), -1, by_name=True),
    Call("", _method("createHmac"), 1),
    Call("", _method("timingSafeEqual"), SECRETS),
    Call("", re.compile(r"jwt(?<![\w$]jwt)\.(?:sign|verify)\s*\("), 1),
    Call("", re.compile(r"bcrypt(?<![\w$]bcrypt)\.compare(?:Sync)?\s*\("), 0),
    # asterisk-ami-client: client.connect(user, secret, {host, port}).
    Call("ami-client", re.compile(r"connect(?<=\.connect)\s*\(\s*(?=['\"])"), 1),
    Call("", re.compile(r"AsteriskManager(?<=new AsteriskManager)\s*\("), 3),
    Call("", re.compile(
        r"asterisk-manager['\"]\s*\)\s*\((?<=require\(['\"]asterisk-manager['\"]\)\()"), 3),
)  # fmt: skip
# Style sheets and source maps hold no code of this kind.
_NOT_JS = (".css", ".scss", ".map")
_MARKUP = (".html", ".htm", ".xhtml", ".tpl", ".twig")


class JsSanitizer(Literals):
    def literal(self, m: re.Match[str], group: str, rule: str) -> None:
        if m.re is _TYPED and self.wanted(m.group("key")):
            # the type stays a type: a label rule would read "apiToken: string"
            self.editor.protect(m.start("type"), m.end("type"))
        super().literal(m, group, rule)

    def run(self) -> None:
        self.forms(_FORMS)
        if self.path.lower().endswith(_SCRIPTS):
            self.forms(_TEMPLATE_FORMS)
        if self.path.lower().endswith(_NOT_JS):
            return
        finder = Finder(self, "js.binding", php=False)
        if (finder.php_file or self.path.lower().endswith(_MARKUP)) and "<script" not in self.text:
            return  # in a page, scripts live in <script> elements
        self.declarations(finder)
        for m in _ENV_FALLBACK.finditer(self.text):
            name = m.group("key") or m.group("key2")
            kind = secret_kind(name, self.extra, broad=True)
            if kind is not None:
                finder.claim(m, name, kind)
        finder.comparisons()
        containers(finder)
        finder.calls(_CALLS)

    def declarations(self, finder: Finder) -> None:
        """``const NAME = '...'`` where any word of NAME names a secret."""
        pos = 0
        while m := _DECLARED_ANCHORED.search(self.text, pos, self.broad):
            if _DECLARATION.search(self.text, max(0, m.start() - 12), m.start()):
                finder.claim(m, m.group("key"), secret_kind(m.group("key"), self.extra, broad=True))
            pos = m.start("v")

    def broad(self, name: str) -> bool:
        return secret_kind(name, self.extra, broad=True) is not None


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim JavaScript's secret literals in editor.text (see the module docstring)."""
    JsSanitizer(editor, rules, path).run()
