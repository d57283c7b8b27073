"""Vendor token, password hash and private key shapes, as their vendors and
crypt(3) document them, drawn from the caller's random stream (a mixin of
`values.Values`: `k_<kind>` is the maker of the kind `«kind»`)."""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
from dataclasses import dataclass

ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
CRYPT64 = "./" + string.digits + string.ascii_uppercase + string.ascii_lowercase
HEX = "0123456789abcdef"


@dataclass(frozen=True)
class Val:
    """A value as written, and the random part of it (not a vendor prefix nor a
    hash's salt): the leak check also looks for each half of a long core, so a
    value only half redacted still counts as leaked."""

    text: str
    core: str


class Tokens:
    """Makers of vendor tokens, hashes and key bodies; `rng` is set by the subclass."""

    rng: random.Random

    def k_uuid(self) -> str:
        h = self.chars(HEX, 32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def chars(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

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

    def k_telnyx(self) -> Val:
        core = self.chars(string.ascii_uppercase + string.digits, 30)
        tail = self.chars(ALNUM, 22)
        return Val(f"KEY01{core}_{tail}", core + tail)

    def k_brevo(self) -> Val:
        core = self.chars(HEX, 64)
        return Val(f"xkeysib-{core}-{self.chars(ALNUM, 16)}", core)

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
