"""Random values for the red-team corpus: passwords, tokens of every vendor's
shape, password hashes, private keys, and people (name, email, phone) that look
real. Every value comes from one `random.Random`, so a seed gives the same
installation, and every value is long or distinctive enough to grep for.

`Val.core` is the random part of a value (a vendor prefix or a hash's salt is
not): the leak check also looks for each half of a long core, so a value that
was only half redacted still counts as leaked.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
from dataclasses import dataclass

import phonenumbers

ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
CRYPT64 = "./" + string.digits + string.ascii_uppercase + string.ascii_lowercase
HEX = "0123456789abcdef"

FIRST = (
    "Margaret", "Oluwaseun", "Priya", "Dmitri", "Henrike", "Tomasz", "Aisling", "Kwame",
    "Yasmin", "Joaquín", "Beatriz", "Lukas", "Ingrid", "Rafael", "Chiara", "Desmond",
    "Thandiwe", "Mateus", "Ewa", "Gideon", "Haruto", "Leilani", "Bogdan", "Renée",
    "Anneliese", "Cormac", "Delphine", "Emeka", "Fatima", "Gunnar", "Hyun-woo", "Isidora",
    "Jarrah", "Katarzyna", "Lorcan", "Mirela", "Nkechi", "Osvaldo", "Philippa", "Quentin",
    "Rosalind", "Søren", "Tatiana", "Ulrich", "Valentina", "Wilhelmina", "Ximena", "Yusuf",
    "Zoë", "Ambrose", "Bernadette", "Cedric", "Dagny", "Eleanor", "Florian", "Griselda",
)
LAST = (
    "Okonkwo", "Vasquez-Lindqvist", "Radcliffe", "Nakashima", "Brennan", "Wójcik", "Achterberg",
    "Castellanos", "Delacroix", "Fitzgerald", "Gallagher", "Hoffmeister", "Iwasaki", "Jankowski",
    "Kowalczyk", "Lindqvist", "Montgomery", "Nwachukwu", "Oyelaran", "Petrović", "Quintero",
    "Rasmussen", "Schumacher", "Thorvaldsen", "Underwood", "Valdivia", "Whitfield", "Xiong",
    "Yamamoto", "Zielinski", "Abernathy", "Bergström", "Cavendish", "Drummond", "Eriksen",
    "Ferreira", "Grünewald", "Hargreaves", "Ishikawa", "Jovanović", "Kerrigan", "Lachance",
    "Müller-Brandt", "Nørgaard", "Ostrowski", "Pemberton", "Rautenbach", "Sandoval", "Tiwari",
)
DOMAINS = (
    "gmail.com", "outlook.com", "yahoo.co.uk", "icloud.com", "proton.me", "web.de",
    "orange.fr", "hotmail.com", "gmx.net", "brightsmile-dental.com", "harborview-law.net",
    "kessler-logistik.de", "northfield-clinic.org", "pinecrest-realty.com", "atlas-freight.co",
)
WORDS = (
    "amber", "falcon", "river", "copper", "lantern", "meadow", "orbit", "pepper", "quartz",
    "saddle", "tundra", "velvet", "walnut", "zephyr", "harbor", "glacier", "juniper", "kettle",
    "marble", "nectar", "obsidian", "prairie", "rocket", "sparrow", "thistle", "umbrella",
)
# NANP area codes in real use, so phonenumbers calls the numbers valid.
AREA = ("212", "305", "312", "415", "503", "512", "617", "702", "713", "808", "919", "206")
REGIONS = ("US", "US", "US", "CA", "GB", "DE", "FR", "AU", "NL", "ES")

ASCII_FOLD = str.maketrans("íéëüöøåóñćšžÖØ", "ieeuooaoncszOO")


@dataclass(frozen=True)
class Val:
    """A value as written, and the random part of it."""

    text: str
    core: str


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    phone: str  # as people write it: national, international, dotted...
    e164: str  # as Asterisk writes it: +14155550123


class Values:
    """Draws values that are unique in the corpus: no value is part of another
    or of the fixed text given as `reserved` (the Asterisk samples)."""

    def __init__(self, rng: random.Random, reserved: str = "") -> None:
        self.rng = rng
        self.reserved = reserved
        self.used: list[str] = []
        self.names: set[tuple[str, str]] = set()

    def _unique(self, make: object) -> Val:
        assert callable(make)
        for _ in range(200):
            v = make()
            if not isinstance(v, Val):
                v = Val(v, v)
            if self._free(v.text):
                self.used.append(v.text)
                return v
        raise RuntimeError("no unique value after 200 draws")

    def _free(self, text: str) -> bool:
        return text not in self.reserved and not any(text in u or u in text for u in self.used)

    # --- building blocks -------------------------------------------------------

    def chars(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def _password(self, punct: str, lo: int = 12, hi: int = 20) -> str:
        n = self.rng.randint(lo, hi)
        parts = [self.rng.choice(string.ascii_uppercase), self.rng.choice(string.ascii_lowercase),
                 self.rng.choice(string.digits), self.rng.choice(punct)]
        parts += [self.rng.choice(ALNUM + punct) for _ in range(n - 5)]
        self.rng.shuffle(parts)
        return self.rng.choice(string.ascii_letters) + "".join(parts)

    # --- kinds, by the name templates use -------------------------------------------

    def draw(self, kind: str) -> Val:
        maker = getattr(self, "k_" + kind, None)
        if maker is None:
            raise KeyError(f"unknown value kind {kind!r}")
        return self._unique(maker)

    def k_pw(self) -> str:  # quoted contexts: conf, JSON, PHP/JS strings, XML, SQL
        return self._password("-_.+!~^%*")

    def k_pws(self) -> str:  # unquoted shell, URL userinfo, printf formats, dial strings
        return self._password("-_.")

    def k_pwx(self) -> str:  # escapes differently in JSON, HTML and URLs
        base = self._password("-_.", 10, 14)
        i = self.rng.randint(2, len(base) - 2)
        return (base[:i] + self.rng.choice('"&+=') + base[i:] + self.rng.choice('&"')
                + self.chars(ALNUM, 3) + "/" + self.chars(ALNUM, 2))

    def k_phrase(self) -> str:
        words = self.rng.sample(WORDS, 4)
        return " ".join(words) + f" {self.rng.randint(10, 99)}"

    def k_pin(self) -> str:
        return str(self.rng.randint(1, 9)) + self.chars(string.digits, self.rng.randint(5, 7))

    def k_hex32(self) -> str:
        return self.chars(HEX, 32)

    def k_hex40(self) -> str:
        return self.chars(HEX, 40)

    def k_hex64(self) -> str:
        return self.chars(HEX, 64)

    def k_token(self) -> str:
        return self.chars(ALNUM, self.rng.randint(28, 40))

    def k_b64key(self) -> str:  # e.g. a Laravel APP_KEY body, an HMAC key
        return base64.b64encode(self.rng.randbytes(32)).decode()

    def k_uuid(self) -> str:
        h = self.chars(HEX, 32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def k_basic(self) -> Val:  # base64 of user:password, as in Authorization: Basic
        user = self.rng.choice(("admin", "flexpbx", "api", "provision", "backup"))
        blob = base64.b64encode(f"{user}:{self._password('-_.!')}".encode()).decode()
        return Val(blob, blob)

    def k_basic_user(self) -> Val:  # user:password, as CURLOPT_USERPWD takes it
        user = self.rng.choice(("admin", "flexpbx", "api", "provision"))
        pw = self._password("-_.!")
        return Val(f"{user}:{pw}", pw)

    # --- vendor tokens: the shapes the vendors document ---------------------------------

    def _prefixed(self, prefix: str, alphabet: str, n: int) -> Val:
        core = self.chars(alphabet, n)
        return Val(prefix + core, core)

    def k_aws_id(self) -> Val:
        return self._prefixed("AKIA", string.ascii_uppercase + "234567", 16)

    def k_aws_secret(self) -> str:
        return self.chars(B64, 40)

    def k_twilio_sid(self) -> Val:
        return self._prefixed("AC", HEX, 32)

    def k_twilio_token(self) -> str:
        return self.chars(HEX, 32)

    def k_twilio_sk(self) -> Val:
        return self._prefixed("SK", HEX, 32)

    def k_stripe_sk(self) -> Val:
        return self._prefixed("sk_live_", ALNUM, self.rng.randint(24, 99))

    def k_stripe_rk(self) -> Val:
        return self._prefixed("rk_live_", ALNUM, 24)

    def k_whsec(self) -> Val:
        return self._prefixed("whsec_", ALNUM, 32)

    def k_sendgrid(self) -> Val:
        core = self.chars(ALNUM + "-_", 22) + "." + self.chars(ALNUM + "-_", 43)
        return Val("SG." + core, core)

    def k_ghp(self) -> Val:
        return self._prefixed("ghp_", ALNUM, 36)

    def k_github_pat(self) -> Val:
        return self._prefixed("github_pat_", ALNUM + "_", 82)

    def k_gitlab(self) -> Val:
        return self._prefixed("glpat-", ALNUM + "-_", 20)

    def k_google(self) -> Val:
        return self._prefixed("AIza", ALNUM + "-_", 35)

    def k_gocspx(self) -> Val:
        return self._prefixed("GOCSPX-", ALNUM + "-_", 28)

    def k_xoxb(self) -> Val:
        core = f"{self.chars(string.digits, 12)}-{self.chars(string.digits, 13)}-" \
               f"{self.chars(ALNUM, 24)}"
        return Val("xoxb-" + core, core)

    def k_xoxp(self) -> Val:
        core = f"{self.chars(string.digits, 12)}-{self.chars(string.digits, 12)}-" \
               f"{self.chars(string.digits, 13)}-{self.chars(HEX, 32)}"
        return Val("xoxp-" + core, core)

    def k_mailgun(self) -> Val:
        return self._prefixed("key-", HEX, 32)

    def k_mailchimp(self) -> Val:
        core = self.chars(HEX, 32)
        return Val(f"{core}-us{self.rng.randint(2, 21)}", core)

    def k_openai(self) -> Val:
        return self._prefixed("sk-proj-", ALNUM + "-_", 64)

    def k_npm(self) -> Val:
        return self._prefixed("npm_", ALNUM, 36)

    def k_digitalocean(self) -> Val:
        return self._prefixed("dop_v1_", HEX, 64)

    def k_shopify(self) -> Val:
        return self._prefixed("shpat_", HEX, 32)

    def k_azure_key(self) -> str:
        return base64.b64encode(self.rng.randbytes(64)).decode()

    def k_square(self) -> Val:
        return self._prefixed("EAAA", ALNUM + "-_", 60)

    def k_telegram(self) -> Val:
        bot = self.chars(string.digits, 10)
        core = "AA" + self.chars(ALNUM + "-_", 33)
        return Val(f"{bot}:{core}", core)

    def k_discord_hook(self) -> Val:
        core = self.chars(ALNUM + "-_", 68)
        return Val(f"{self.chars(string.digits, 19)}/{core}", core)

    def k_slack_hook(self) -> Val:
        core = self.chars(ALNUM, 24)
        up = string.ascii_uppercase + string.digits
        return Val(f"T{self.chars(up, 10)}/B{self.chars(up, 10)}/{core}", core)

    def k_teams_hook(self) -> Val:
        core = self.chars(HEX, 32)
        return Val(f"{self.k_uuid()}@{self.k_uuid()}/IncomingWebhook/{core}/{self.k_uuid()}",
                   core)

    def k_sentry(self) -> str:
        return self.chars(HEX, 32)

    def k_firebase(self) -> Val:
        core = self.chars(ALNUM + "-_", 134)
        return Val(f"AAAA{self.chars(ALNUM, 7)}:APA91b{core}", core)

    def k_jwt(self) -> Val:
        def b64u(b: bytes) -> str:
            return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
        claims = {"sub": self.chars(string.digits, 6), "name": self.chars(ALNUM, 10),
                  "iat": self.rng.randint(1_700_000_000, 1_760_000_000), "role": "admin"}
        body = b64u(json.dumps(claims, separators=(",", ":")).encode())
        sig = b64u(self.rng.randbytes(32))
        head = b64u(b'{"alg":"HS256","typ":"JWT"}')
        return Val(f"{head}.{body}.{sig}", body + sig)

    # --- password hashes -----------------------------------------------------------------

    def _crypt(self, prefix: str, salt: int, body: int, alphabet: str = CRYPT64) -> Val:
        core = self.chars(alphabet, body)
        return Val(f"{prefix}{self.chars(CRYPT64, salt)}${core}", core)

    def k_bcrypt(self) -> Val:
        core = self.chars(CRYPT64, 53)
        return Val(f"$2y$10${core}", core)

    def k_bcrypt_b(self) -> Val:
        core = self.chars(CRYPT64, 53)
        return Val(f"$2b$12${core}", core)

    def k_md5crypt(self) -> Val:
        return self._crypt("$1$", 8, 22)

    def k_apr1(self) -> Val:
        return self._crypt("$apr1$", 8, 22)

    def k_sha256crypt(self) -> Val:
        return self._crypt("$5$rounds=535000$", 16, 43)

    def k_sha512crypt(self) -> Val:
        return self._crypt("$6$", 16, 86)

    def k_yescrypt(self) -> Val:
        return self._crypt("$y$j9T$", 22, 43)

    def k_argon2(self) -> Val:
        core = base64.b64encode(self.rng.randbytes(32)).decode().rstrip("=")
        salt = base64.b64encode(self.rng.randbytes(16)).decode().rstrip("=")
        return Val(f"$argon2id$v=19$m=65536,t=4,p=1${salt}${core}", core)

    def k_des(self) -> str:
        return self.chars(CRYPT64, 13)

    def k_sha_b64(self) -> Val:
        core = base64.b64encode(hashlib.sha1(self.rng.randbytes(16)).digest()).decode()
        return Val("{SHA}" + core, core.rstrip("="))

    def k_ssha(self) -> Val:
        core = base64.b64encode(self.rng.randbytes(24)).decode()
        return Val("{SSHA}" + core, core)

    def k_django(self) -> Val:
        core = base64.b64encode(self.rng.randbytes(32)).decode()
        return Val(f"pbkdf2_sha256$600000${self.chars(ALNUM, 22)}${core}", core.rstrip("="))

    def k_werkzeug(self) -> Val:
        core = self.chars(HEX, 64)
        return Val(f"pbkdf2:sha256:600000${self.chars(ALNUM, 16)}${core}", core)

    def k_mysql_native(self) -> Val:
        core = self.chars("0123456789ABCDEF", 40)
        return Val("*" + core, core)

    def k_phpass(self) -> Val:
        core = self.chars(CRYPT64, 22)
        return Val(f"$P$B{self.chars(CRYPT64, 8)}{core}", core)

    def k_drupal(self) -> Val:
        core = self.chars(CRYPT64, 43)
        return Val(f"$S$E{self.chars(CRYPT64, 8)}{core}", core)

    def k_pg_md5(self) -> Val:
        core = self.chars(HEX, 32)
        return Val("md5" + core, core)

    def k_scram(self) -> Val:
        a = base64.b64encode(self.rng.randbytes(32)).decode()
        b = base64.b64encode(self.rng.randbytes(32)).decode()
        salt = base64.b64encode(self.rng.randbytes(16)).decode()
        return Val(f"SCRAM-SHA-256$4096:{salt}${a}:{b}", a.rstrip("=") + b.rstrip("="))

    # --- private key bodies: one plant per line (first, middle, last) -------------------

    def key_lines(self, header: bytes, nbytes: int, width: int) -> list[str]:
        body = base64.b64encode(header + self.rng.randbytes(nbytes)).decode()
        return [body[i:i + width] for i in range(0, len(body), width)]

    # --- people ------------------------------------------------------------------------

    def person(self) -> Person:
        for _ in range(500):
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            name = f"{first} {last}"
            if (first, last) in self.names or not self._free(name):
                continue
            local = self.rng.choice((
                f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}{self.rng.randint(1, 99)}",
                f"{last}.{first}"))
            local = local.lower().translate(ASCII_FOLD).replace(" ", "")
            email = f"{local}@{self.rng.choice(DOMAINS)}"
            phone, e164 = self.phone()
            if not all(self._free(x) for x in (email, phone, e164)):
                continue
            self.names.add((first, last))
            self.used += [name, email, phone, e164]
            return Person(name, email, phone, e164)
        raise RuntimeError("no unique person after 500 draws")

    def phone(self) -> tuple[str, str]:
        fmt = phonenumbers.PhoneNumberFormat
        for _ in range(200):
            region = self.rng.choice(REGIONS)
            if region == "US":
                digits = f"{self.rng.choice(AREA)}{self.rng.randint(201, 989)}" \
                         f"{self.chars(string.digits, 4)}"
            else:
                ex = phonenumbers.example_number_for_type(
                    region, self.rng.choice((phonenumbers.PhoneNumberType.MOBILE,
                                             phonenumbers.PhoneNumberType.FIXED_LINE)))
                assert ex is not None
                nat = str(ex.national_number)
                digits = nat[:-5] + self.chars(string.digits, 5)
            num = phonenumbers.parse(digits, region)
            if not phonenumbers.is_valid_number(num) or "555" in digits[3:6]:
                continue
            e164 = phonenumbers.format_number(num, fmt.E164)
            style = self.rng.choice(("intl", "national", "e164", "dots"))
            if style == "intl":
                shown = phonenumbers.format_number(num, fmt.INTERNATIONAL)
            elif style == "national":
                shown = phonenumbers.format_number(num, fmt.NATIONAL)
            elif style == "dots" and region == "US":
                shown = f"{digits[:3]}.{digits[3:6]}.{digits[6:]}"
            else:
                shown = e164
            return shown, e164
        raise RuntimeError("no valid phone number after 200 draws")
