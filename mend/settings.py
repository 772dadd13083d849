"""Mend's one settings module: every knob comes from the environment.

A fresh checkout runs on SQLite under ``var/`` with no configuration.
The README lists every variable.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MEND_VAR_DIR", BASE_DIR / "var")).resolve()


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_secret(name: str) -> str:
    """The variable itself, or the contents of the file named by NAME_FILE."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE cannot be read: {error}") from None
    return os.environ.get(name, "")


def demo_secret_key() -> str:
    """A key generated once and kept under var/, for the demo and development only."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("MEND_DEBUG", False)
SECRET_KEY = env_secret("MEND_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "MEND_SECRET_KEY (or MEND_SECRET_KEY_FILE) must be set when MEND_DEBUG is off."
        )
    SECRET_KEY = demo_secret_key()

BASE_URL = env_str("MEND_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
_base = urlsplit(BASE_URL)
if _base.scheme not in {"http", "https"} or not _base.hostname:
    raise ImproperlyConfigured(f"MEND_BASE_URL must be an http(s) address, not {BASE_URL!r}")
ALLOWED_HOSTS = env_list("MEND_ALLOWED_HOSTS") or [_base.hostname]
if DEBUG:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "testserver"]
CSRF_TRUSTED_ORIGINS = [f"{_base.scheme}://{_base.netloc}"]
SECURE_HTTPS = _base.scheme == "https"
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# Browsers keep to https for a year once they have seen the site over https.
SECURE_HSTS_SECONDS = env_int("MEND_HSTS_SECONDS", 365 * 24 * 3600 if SECURE_HTTPS else 0)


def trusted_proxies(raw: str) -> int | list[str]:
    """MEND_TRUSTED_PROXIES: a count of proxies in front, or their addresses / networks."""
    raw = raw.strip()
    if raw.isdigit():
        return int(raw)
    values = [item.strip() for item in raw.split(",") if item.strip()]
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                "MEND_TRUSTED_PROXIES must be a number of proxies or addresses separated by "
                f"commas (e.g. 127.0.0.1,::1 or 10.0.0.0/8), not {raw!r}"
            ) from None
    return values


# Whose X-Forwarded-For and X-Forwarded-Proto to believe (mend.core.clientip): by default
# a proxy on this machine, as deploy/nginx.conf runs it.
MEND_TRUSTED_PROXIES = trusted_proxies(env_str("MEND_TRUSTED_PROXIES", "127.0.0.1,::1"))
if MEND_TRUSTED_PROXIES:
    # mend.core.security drops the header from anyone but a trusted proxy.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# mend.core.security has already put the client's address in REMOTE_ADDR: allauth must
# not count proxies in X-Forwarded-For a second time.
ALLAUTH_TRUSTED_PROXY_COUNT = 0

INSTALLED_APPS = [
    "mend.core",
    "mend.accounts",
    "mend.care",
    "mend.outcomes",
    "mend.safety",
    "mend.payments",
    "mend.community",
    "mend.exercises",
    "mend.booking",
    "mend.records",
    "mend.courses",
    "mend.content",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",  # allauth.mfa's passkey pages use it
]

MIDDLEWARE = [
    "mend.core.security.SecurityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mend.core.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mend.core.csp.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mend.accounts.middleware.SessionLimitsMiddleware",
    "mend.accounts.middleware.StaffMFAMiddleware",
    "mend.core.pagecache.RememberedSiteMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "mend.urls"
WSGI_APPLICATION = "mend.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mend.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'mend.sqlite3'}"),
        conn_max_age=env_int("MEND_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when their transaction starts, so two bookings
    # never both read "free" and then both write (DESIGN.md, data integrity).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # mend.core.cache answers from memory while Redis does not (and says so);
    # an unanswered connection gives up after a second instead of hanging a request.
    CACHES = {
        "default": {
            "BACKEND": "mend.core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 2.0},
        }
    }
else:
    # A file cache is shared by every process on the machine (web workers and
    # the task worker), so rate limits and the page cache hold across them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

TASKS = {"default": {"BACKEND": env_str("MEND_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = _base.scheme
# Exporting data and changing MFA ask for the password (or a code) again when
# the last proof is older than this.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "/accounts/login/"
# allauth is the only sign-in: Wagtail's admin and front-end logins send people to it.
WAGTAILADMIN_LOGIN_URL = LOGIN_URL
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False  # email changes go through allauth, verified
# Every sign-in ends this long after it began, however active (absolute, not sliding);
# staff sign-ins also end after MEND_STAFF_IDLE_MINUTES without a request.
SESSION_COOKIE_AGE = env_int("MEND_SESSION_SECONDS", 60 * 60 * 12)
MEND_STAFF_IDLE_MINUTES = env_int("MEND_STAFF_IDLE_MINUTES", 15)
if SESSION_COOKIE_AGE < 60 or MEND_STAFF_IDLE_MINUTES < 1:
    raise ImproperlyConfigured(
        "MEND_SESSION_SECONDS must be at least 60 and MEND_STAFF_IDLE_MINUTES at least 1."
    )

# Two-factor sign-in (allauth.mfa): an authenticator app with recovery codes, or
# passkeys / security keys. Staff must set one up; patients may.
MFA_ADAPTER = "mend.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# A passkey signs in on its own only with user verification (PIN or biometric),
# so that a passkey sign-in is still two factors.
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_WEBAUTHN_USER_VERIFICATION = "required"
# Browsers give WebAuthn only to https origins and localhost; the demo runs on http.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG and not SECURE_HTTPS

EMAIL_URL = env_str("EMAIL_URL", "console:" if DEBUG else "")


def email_settings(url: str) -> dict[str, object]:
    """Django's email settings from smtp://user:pass@host:port, smtps://…, console: or memory:."""
    parts = urlsplit(url)
    if parts.scheme in {"console", "memory", "dummy"}:
        backend = {"console": "console", "memory": "locmem", "dummy": "dummy"}[parts.scheme]
        return {"EMAIL_BACKEND": f"django.core.mail.backends.{backend}.EmailBackend"}
    if parts.scheme not in {"smtp", "smtps", "smtp+tls"} or not parts.hostname:
        raise ImproperlyConfigured(
            "EMAIL_URL must look like smtp://user:password@host:port, smtps://…, or console:"
        )
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "EMAIL_TIMEOUT": 10,
    }


if not EMAIL_URL:
    raise ImproperlyConfigured(
        "EMAIL_URL must be set when MEND_DEBUG is off (e.g. smtp://host:25)."
    )
globals().update(email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = env_str("MEND_FROM_EMAIL", f"Mend <no-reply@{_base.hostname}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MEND_PRACTICE_EMAIL = env_str("MEND_PRACTICE_EMAIL", f"hello@{_base.hostname}")
MEND_SITE_NAME = env_str("MEND_SITE_NAME", "Mend")

# Spam defence for public forms (comments, contact).
MEND_FORM_MIN_SECONDS = env_int("MEND_FORM_MIN_SECONDS", 3)
MEND_FORM_RATE_LIMIT = env_int("MEND_FORM_RATE_LIMIT", 5)
MEND_FORM_RATE_WINDOW = env_int("MEND_FORM_RATE_WINDOW", 600)
MEND_COMMENT_MAX_LINKS = 2
# Anonymous article pages are served from the cache for this long at most;
# publishing, unpublishing and approved comments purge them sooner.
MEND_PAGE_CACHE_SECONDS = env_int("MEND_PAGE_CACHE_SECONDS", 600)
# How often each process asks the shared cache whether pages were purged.
MEND_PAGE_CACHE_RECHECK = env_int("MEND_PAGE_CACHE_RECHECK_MS", 1000) / 1000
# The exercise player's clock as a percentage of real time (1-100); below 100 only for tests.
MEND_PLAYER_CLOCK_PERCENT = env_int("MEND_PLAYER_CLOCK_PERCENT", 100)

# Booking: bookable times start on this step; a freed slot offered to the
# waitlist is held this long for that many waiting patients; reminders go out
# this many hours before each visit; video rooms come from this template.
MEND_BOOKING_STEP_MINUTES = env_int("MEND_BOOKING_STEP_MINUTES", 15)
# The number patients are told to call in an emergency (severe-pain and red-flag advice).
MEND_EMERGENCY_NUMBER = env_str("MEND_EMERGENCY_NUMBER", "911")
# Red-flag screens: what "medical care today" means where the clinic is, and how often a
# self-started routine asks its screen again while it runs.
MEND_SAME_DAY_CARE_TEXT = env_str(
    "MEND_SAME_DAY_CARE_TEXT",
    "Call your doctor's office and ask to be seen today, or go to an urgent care centre. "
    "If you cannot be seen today, go to an emergency department.",
)
MEND_SCREEN_RECHECK_DAYS = env_int("MEND_SCREEN_RECHECK_DAYS", 28)
if MEND_SCREEN_RECHECK_DAYS < 1:
    raise ImproperlyConfigured("MEND_SCREEN_RECHECK_DAYS must be at least 1 day.")
# How long a clinician still sees an episode's data after discharging it.
MEND_CARE_ACCESS_DAYS = env_int("MEND_CARE_ACCESS_DAYS", 30)
if MEND_CARE_ACCESS_DAYS < 0:
    raise ImproperlyConfigured("MEND_CARE_ACCESS_DAYS must be 0 or more days.")
# How long an admin's break-glass access to one patient's record lasts.
MEND_BREAK_GLASS_MINUTES = env_int("MEND_BREAK_GLASS_MINUTES", 60)
if not 1 <= MEND_BREAK_GLASS_MINUTES <= 24 * 60:
    raise ImproperlyConfigured("MEND_BREAK_GLASS_MINUTES must be from 1 to 1440 minutes.")
# Booking and waitlist forms: at most this many posts per client address, and per email
# address, in the window (seconds); the rest get 429 and a message.
MEND_BOOKING_RATE_LIMIT = env_int("MEND_BOOKING_RATE_LIMIT", 10)
MEND_BOOKING_EMAIL_RATE_LIMIT = env_int("MEND_BOOKING_EMAIL_RATE_LIMIT", 3)
MEND_BOOKING_RATE_WINDOW = env_int("MEND_BOOKING_RATE_WINDOW", 3600)
# A visit's manage link stops working this many days after the visit ends.
MEND_BOOKING_LINK_DAYS = env_int("MEND_BOOKING_LINK_DAYS", 7)
# The clinician's calendar feed names the visit type and the patient's initials; with this
# on, the patient's full name and email too (the feed goes to a calendar service).
MEND_CALENDAR_FEED_DETAILS = env_bool("MEND_CALENDAR_FEED_DETAILS", False)
if min(MEND_BOOKING_RATE_LIMIT, MEND_BOOKING_EMAIL_RATE_LIMIT, MEND_BOOKING_RATE_WINDOW) < 1:
    raise ImproperlyConfigured(
        "MEND_BOOKING_RATE_LIMIT, MEND_BOOKING_EMAIL_RATE_LIMIT and MEND_BOOKING_RATE_WINDOW "
        "must be at least 1."
    )
if MEND_BOOKING_LINK_DAYS < 0:
    raise ImproperlyConfigured("MEND_BOOKING_LINK_DAYS must be 0 or more days.")
# Erasure keeps clinical records (detached from the login) for this many years after
# the patient's last care, then deletes them; a legal hold keeps them regardless.
MEND_RECORD_RETENTION_YEARS = env_int("MEND_RECORD_RETENTION_YEARS", 7)
if MEND_RECORD_RETENTION_YEARS < 0:
    raise ImproperlyConfigured("MEND_RECORD_RETENTION_YEARS must be 0 or more years.")
MEND_BOOKING_HOLD_MINUTES = env_int("MEND_BOOKING_HOLD_MINUTES", 30)
MEND_BOOKING_WAITLIST_OFFERS = env_int("MEND_BOOKING_WAITLIST_OFFERS", 3)
if min(MEND_BOOKING_STEP_MINUTES, MEND_BOOKING_HOLD_MINUTES, MEND_BOOKING_WAITLIST_OFFERS) < 1:
    raise ImproperlyConfigured(
        "MEND_BOOKING_STEP_MINUTES, MEND_BOOKING_HOLD_MINUTES and MEND_BOOKING_WAITLIST_OFFERS "
        "must be at least 1."
    )
_reminder_hours = env_list("MEND_BOOKING_REMINDER_HOURS", "24,2")
if not all(hours.isdigit() and 0 < int(hours) <= 24 * 14 for hours in _reminder_hours):
    raise ImproperlyConfigured(
        "MEND_BOOKING_REMINDER_HOURS must be whole hours (1 to 336) separated by commas, "
        f"not {os.environ.get('MEND_BOOKING_REMINDER_HOURS')!r}"
    )
MEND_BOOKING_REMINDER_HOURS = sorted({int(hours) for hours in _reminder_hours}, reverse=True)
# A visit paid with a package credit and cancelled inside its cancellation window: the credit
# is "forfeit" (the default) or "return"ed; outside the window it always comes back.
MEND_PACKAGE_LATE_CANCEL = env_str("MEND_PACKAGE_LATE_CANCEL", "forfeit").strip().lower()
if MEND_PACKAGE_LATE_CANCEL not in {"forfeit", "return"}:
    raise ImproperlyConfigured(
        f"MEND_PACKAGE_LATE_CANCEL must be forfeit or return, not {MEND_PACKAGE_LATE_CANCEL!r}"
    )
MEND_VIDEO_LINK_TEMPLATE = env_str("MEND_VIDEO_LINK_TEMPLATE", "https://meet.jit.si/mend-{room}")
if not MEND_VIDEO_LINK_TEMPLATE.startswith("https://") or "{room}" not in MEND_VIDEO_LINK_TEMPLATE:
    raise ImproperlyConfigured(
        "MEND_VIDEO_LINK_TEMPLATE must be an https address containing {room}, "
        f"not {MEND_VIDEO_LINK_TEMPLATE!r}"
    )

# Checkout (mend.payments). Card payment through Stripe Checkout is offered only when
# MEND_STRIPE_SECRET_KEY is set; orders are fulfilled from Stripe's signed webhook
# (MEND_STRIPE_WEBHOOK_SECRET, the endpoint's "whsec_..." signing secret), never from the
# buyer's return. Free, coupon and pay-at-the-clinic orders need no provider.
MEND_STRIPE_SECRET_KEY = env_secret("MEND_STRIPE_SECRET_KEY")
MEND_STRIPE_WEBHOOK_SECRET = env_secret("MEND_STRIPE_WEBHOOK_SECRET")
MEND_STRIPE_API_BASE = env_str("MEND_STRIPE_API_BASE", "https://api.stripe.com").rstrip("/")
if not MEND_STRIPE_API_BASE.startswith(("https://", "http://127.0.0.1:", "http://localhost:")):
    raise ImproperlyConfigured(
        f"MEND_STRIPE_API_BASE must be an https address, not {MEND_STRIPE_API_BASE!r}"
    )
if MEND_STRIPE_SECRET_KEY and not MEND_STRIPE_WEBHOOK_SECRET:
    raise ImproperlyConfigured(
        "MEND_STRIPE_WEBHOOK_SECRET must be set with MEND_STRIPE_SECRET_KEY: card payments "
        "are confirmed only by Stripe's signed webhook."
    )
# The ISO 4217 code prices are shown in by default (products may carry their own).
MEND_CURRENCY = env_str("MEND_CURRENCY", "USD").strip().upper()
if not re.fullmatch(r"[A-Z]{3}", MEND_CURRENCY):
    raise ImproperlyConfigured(
        f"MEND_CURRENCY must be an ISO 4217 code such as USD, not {MEND_CURRENCY!r}"
    )
# A refund (from Stripe's webhook) takes back what the order granted, e.g. a course.
MEND_REFUND_REVOKES = env_bool("MEND_REFUND_REVOKES", True)

# Content-Security-Policy: scripts and styles come only from this site's files, never
# inline (no nonces either, so cached pages are the same for every reader); videos play
# in the privacy-enhanced players' frames. The Wagtail admin (/admin/) gets the same
# policy with inline scripts and styles allowed (mend.core.csp). Violations are reported
# to MEND_CSP_REPORT_URI when it is set.
MEND_CSP_REPORT_URI = env_str("MEND_CSP_REPORT_URI")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        **({"report-uri": [MEND_CSP_REPORT_URI]} if MEND_CSP_REPORT_URI else {}),
    },
}

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "mend" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEND_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

WAGTAIL_SITE_NAME = MEND_SITE_NAME
WAGTAILADMIN_BASE_URL = BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "mend.content.search"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "vtt", "mp4", "webm"]
WAGTAILEMBEDS_RESPONSIVE_HTML = True
TAGGIT_CASE_INSENSITIVE = True

# Operations: running several servers, health, metrics, logs (README "Running several
# servers", "Health and metrics", "Logs", "Backups").


def media_storage(
    *,
    bucket: str,
    endpoint_url: str = "",
    access_key_id: str = "",
    secret_access_key: str = "",
    region: str = "",
    custom_domain: str = "",
    public: bool = False,
    url_seconds: int = 3600,
) -> dict[str, object]:
    """STORAGES["default"] for media in an S3-compatible bucket (django-storages).

    The bucket stays private: every media address is signed and lapses after
    ``url_seconds``, unless ``public`` says the bucket (or the CDN at
    ``custom_domain``) serves its objects to anyone. Uploads never overwrite a
    file of the same name, as on disk.
    """
    if endpoint_url and urlsplit(endpoint_url).scheme not in {"http", "https"}:
        raise ImproperlyConfigured(
            f"MEND_S3_ENDPOINT_URL must be an http(s) address, not {endpoint_url!r}"
        )
    if not public and custom_domain:
        raise ImproperlyConfigured(
            "MEND_S3_CUSTOM_DOMAIN serves media unsigned: set MEND_S3_PUBLIC=true with it."
        )
    options: dict[str, object] = {
        "bucket_name": bucket,
        "file_overwrite": False,
        "querystring_auth": not public,
        "querystring_expire": url_seconds,
        "signature_version": "s3v4",  # every region and S3-compatible service takes it
        "default_acl": None,
    }
    if endpoint_url:
        options["endpoint_url"] = endpoint_url
        options["addressing_style"] = "path"
    optional = {
        "access_key": access_key_id,
        "secret_key": secret_access_key,
        "region_name": region,
        "custom_domain": custom_domain,
    }
    options.update({key: value for key, value in optional.items() if value})
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def media_origin(options: dict[str, object]) -> str:
    """Where browsers fetch media from, for the Content-Security-Policy."""
    if options.get("custom_domain"):
        return f"https://{options['custom_domain']}"
    if options.get("endpoint_url"):
        parts = urlsplit(str(options["endpoint_url"]))
        return f"{parts.scheme}://{parts.netloc}"
    region = options.get("region_name") or "us-east-1"
    return f"https://{options['bucket_name']}.s3.{region}.amazonaws.com"


MEND_S3_BUCKET = env_str("MEND_S3_BUCKET")
if MEND_S3_BUCKET:
    MEND_S3_URL_SECONDS = env_int("MEND_S3_URL_SECONDS", 3600)
    # A cached page keeps the signed addresses it was rendered with.
    if MEND_S3_URL_SECONDS < MEND_PAGE_CACHE_SECONDS + 300:
        raise ImproperlyConfigured(
            "MEND_S3_URL_SECONDS must be at least MEND_PAGE_CACHE_SECONDS + 300, so that a "
            "cached page's media addresses outlive it."
        )
    STORAGES["default"] = media_storage(
        bucket=MEND_S3_BUCKET,
        endpoint_url=env_str("MEND_S3_ENDPOINT_URL"),
        access_key_id=env_secret("MEND_S3_ACCESS_KEY_ID"),
        secret_access_key=env_secret("MEND_S3_SECRET_ACCESS_KEY"),
        region=env_str("MEND_S3_REGION"),
        custom_domain=env_str("MEND_S3_CUSTOM_DOMAIN"),
        public=env_bool("MEND_S3_PUBLIC", False),
        url_seconds=MEND_S3_URL_SECONDS,
    )
    _media_origin = media_origin(STORAGES["default"]["OPTIONS"])  # type: ignore[arg-type]
    for _directive in ("img-src", "media-src"):
        CONTENT_SECURITY_POLICY["DIRECTIVES"][_directive].append(_media_origin)


def pooled(database: dict[str, object], size: int) -> dict[str, object]:
    """A PostgreSQL database reached through Django's psycopg pool of at most ``size``
    connections per process; pooled connections are never kept by Django itself."""
    if size < 0:
        raise ImproperlyConfigured(f"MEND_DB_POOL_SIZE must be 0 or more, not {size}")
    if size == 0 or database["ENGINE"] != "django.db.backends.postgresql":
        return database
    options = dict(database.get("OPTIONS") or {})  # type: ignore[call-overload]
    options["pool"] = {"min_size": min(2, size), "max_size": size, "timeout": 10}
    return {**database, "OPTIONS": options, "CONN_MAX_AGE": 0}


DATABASES["default"] = pooled(DATABASES["default"], env_int("MEND_DB_POOL_SIZE", 0))

# /health/ready/ fails when the oldest task waiting to run is older than this (0: never).
MEND_READY_MAX_TASK_AGE = env_int("MEND_READY_MAX_TASK_AGE", 600)
if MEND_READY_MAX_TASK_AGE < 0:
    raise ImproperlyConfigured("MEND_READY_MAX_TASK_AGE must be 0 or more seconds.")


def networks(name: str, raw: str) -> list[str]:
    values = [item.strip() for item in raw.split(",") if item.strip()]
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must be addresses or networks separated by commas "
                f"(e.g. 127.0.0.1,::1 or 10.0.0.0/8), not {raw!r}"
            ) from None
    return values


# /metrics answers these client addresses only (mend.core.clientip); everyone else gets 404.
MEND_METRICS_ALLOW = networks("MEND_METRICS_ALLOW", env_str("MEND_METRICS_ALLOW", "127.0.0.1,::1"))
# Emails are counted on their way out (mend.core.metrics), then sent by this backend.
MEND_EMAIL_BACKEND = str(globals()["EMAIL_BACKEND"])  # from EMAIL_URL, above
EMAIL_BACKEND = "mend.core.metrics.CountingEmailBackend"
# Request counts and latency by view (django-prometheus): first and last of the middleware.
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    *MIDDLEWARE[:1],  # mend.core.security: the client's real address, first
    "mend.core.requestlog.RequestLogMiddleware",  # the request id, and one line per request
    *MIDDLEWARE[1:],
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# Logs go to standard error; MEND_LOG_FORMAT=json writes one JSON object a line, with one
# line per request. Every line carries its request's id, and secret links are redacted.
MEND_LOG_FORMAT = env_str("MEND_LOG_FORMAT", "text").strip().lower()
if MEND_LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"MEND_LOG_FORMAT must be text or json, not {MEND_LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "mend.core.requestlog.RequestIdFilter"},
        "redact": {"()": "mend.core.requestlog.RedactFilter"},
    },
    "formatters": {
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "mend.core.requestlog.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "redact"],
            "formatter": MEND_LOG_FORMAT,
        }
    },
    "loggers": {"mend.request": {"level": "INFO" if MEND_LOG_FORMAT == "json" else "NOTSET"}},
    "root": {"handlers": ["console"], "level": env_str("MEND_LOG_LEVEL", "WARNING")},
}
