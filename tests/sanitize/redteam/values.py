"""Random values for the red-team corpus: passwords, PINs, passphrases,
keys, and people (name, email, phone) that look real; the vendor token, hash
and key shapes are in tokens.py. Every value comes from one `random.Random`,
so a seed gives the same installation, and every value is long or distinctive
enough to grep for, and unique: no value is part of another.
"""

from __future__ import annotations

import base64
import json
import random
import string
from dataclasses import dataclass

import phonenumbers

from tests.sanitize.redteam.tokens import ALNUM, HEX, Tokens, Val

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
# Given and family names written apart (split name fields): no other list
# holds them, so a first name alone is never part of another plant.
GIVEN = ("Eudoxia", "Wenceslas", "Philomena", "Radomir", "Clementine", "Ignatius", "Seraphina",
         "Lysander", "Octavia", "Barnabas", "Theodora", "Casimir", "Euphemia", "Leopold")
FAMILY = ("Featherstonehaugh", "Vanderhoeven", "Szymanowska", "Aldersgate", "Kilbride-Moore",
          "Tremayne", "Oyedepo", "Castelnuovo", "Haverkamp", "Ellingboe", "Quarshie", "Rybakova")
# NANP area codes in real use, so phonenumbers calls the numbers valid.
AREA = ("212", "305", "312", "415", "503", "512", "617", "702", "713", "808", "919", "206")
# Installations outside NANP, and a timezone each says it by.
HOME_REGIONS = (("ES", "Europe/Madrid"), ("NL", "Europe/Amsterdam"), ("DE", "Europe/Berlin"),
                ("IT", "Europe/Rome"), ("PL", "Europe/Warsaw"), ("SE", "Europe/Stockholm"),
                ("BE", "Europe/Brussels"), ("AU", "Australia/Sydney"))
REGIONS = ("US", "US", "US", "CA", "GB", "DE", "FR", "AU", "NL", "ES")

ASCII_FOLD = str.maketrans("íéëüöøåóñćšžÖØ", "ieeuooaoncszOO")


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    phone: str  # as people write it: national, international, dotted...
    e164: str  # as Asterisk writes it: +14155550123


class Values(Tokens):
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

    def k_basic(self) -> Val:  # base64 of user:password, as in Authorization: Basic
        user = self.rng.choice(("admin", "flexpbx", "api", "provision", "backup"))
        blob = base64.b64encode(f"{user}:{self._password('-_.!')}".encode()).decode()
        return Val(blob, blob)

    # People share first and last names: a name is searched whole, never by halves.
    def k_lowername(self) -> Val:  # "ulrika jankowski", written in a hurry
        name = self.person().name.lower()
        return Val(name, "")

    def k_surname_first(self) -> Val:  # "Jankowski, Ulrika", as a directory lists it
        first, last = self.person().name.split(" ", 1)
        return Val(f"{last}, {first}", "")

    def k_docmail(self) -> Val:  # a person's login at a documentation domain
        local = self.chars(string.ascii_lowercase, 1) + self.chars(
            string.ascii_lowercase + string.digits, self.rng.randint(5, 9))
        domain = self.rng.choice(("example.net", "example.org", "example.com"))
        return Val(f"{local}@{domain}", local)

    def k_basic_user(self) -> Val:  # user:password, as CURLOPT_USERPWD takes it
        user = self.rng.choice(("admin", "flexpbx", "api", "provision"))
        pw = self._password("-_.!")
        return Val(f"{user}:{pw}", pw)

    def k_given(self) -> Val:  # a given name alone (name parts: the core is not split)
        return Val(self.rng.choice(GIVEN), "")

    def k_family(self) -> Val:
        return Val(self.rng.choice(FAMILY), "")

    def k_natphone(self) -> Val:
        """A national number as a database column holds it: digits only, no +
        (a NANP number, or a GB/DE/FR/AU one with its trunk prefix 0)."""
        for _ in range(200):
            region = self.rng.choice(("US", "US", "US", "GB", "DE", "FR", "AU"))
            if region == "US":
                digits = f"{self.rng.choice(AREA)}{self.rng.randint(201, 989)}" \
                         f"{self.chars(string.digits, 4)}"
            else:
                ex = phonenumbers.example_number_for_type(region,
                                                          phonenumbers.PhoneNumberType.MOBILE)
                assert ex is not None
                nat = str(ex.national_number)
                digits = "0" + nat[:-5] + self.chars(string.digits, 5)
            num = phonenumbers.parse(digits, region)
            if phonenumbers.is_valid_number(num) and "555" not in digits[3:6]:
                return Val(digits, "")
        raise RuntimeError("no valid national number after 200 draws")

    def k_b64json(self) -> Val:  # a JSON document with a secret in it, base64-wrapped
        token = self.chars(ALNUM, self.rng.randint(28, 40))
        doc = self.rng.choice((
            {"password": token}, {"user": "api", "secret": token},
            {"db": {"host": "localhost", "pass": token}}, {"api_key": token, "region": "eu"}))
        blob = base64.b64encode(json.dumps(doc).encode()).decode()
        return Val(blob, token)

    def k_b64dsn(self) -> Val:  # a DSN or user:password line, base64-wrapped
        token = self.chars(ALNUM, self.rng.randint(28, 40))
        text = self.rng.choice((f"mysql://flexpbx:{token}@db1/flexpbx", f"api:{token}",
                                f"password={token}"))
        return Val(base64.b64encode(text.encode()).decode(), token)

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

    def home(self) -> tuple[str, str]:
        """The installation's country and a timezone of it (one per seed)."""
        if not hasattr(self, "_home"):
            self._home = self.rng.choice(HOME_REGIONS)
        return self._home

    def k_home_phone(self) -> str:  # national format of the installation's country
        region = self.home()[0]
        fmt = phonenumbers.PhoneNumberFormat
        for _ in range(200):
            ex = phonenumbers.example_number_for_type(
                region, self.rng.choice((phonenumbers.PhoneNumberType.MOBILE,
                                         phonenumbers.PhoneNumberType.FIXED_LINE)))
            assert ex is not None
            nat = str(ex.national_number)
            num = phonenumbers.parse(nat[:-5] + self.chars(string.digits, 5), region)
            if phonenumbers.is_valid_number(num):
                return phonenumbers.format_number(num, fmt.NATIONAL)
        raise RuntimeError("no valid national number after 200 draws")

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
