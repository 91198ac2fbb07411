"""One settings module, read from the environment.

Nothing set: a development site on SQLite in the working directory.
`DATABASE_URL` (postgres://…, sqlite:///path) selects another database;
`DJANGO_DEBUG=0` with `SECRET_KEY` and `ALLOWED_HOSTS` is production.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DJANGO_DEBUG", True)
_DEV_KEY = "harapan-development-key-not-for-production-use-0123456789abcdef"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_KEY if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DJANGO_DEBUG is off")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "").split(",")
    if h.strip()
]
if DEBUG:
    ALLOWED_HOSTS += ["testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "harapan.jobs",
    "harapan.audit",
    "harapan.regions",
    "harapan.workdays",  # the working-day calendar of the complaint SLAs (issue 15)
    "harapan.accounts",
    "harapan.registry",
    "harapan.compliance",
    "harapan.benefits",
    "harapan.fds",
    "harapan.graduation",
    "harapan.demo",
]
# The API docs page renders with the swagger-ui that django-ninja ships as static files,
# not from a CDN (issue 14): ninja does so only when it is an installed app.
INSTALLED_APPS += ["ninja"]
# Complaints (issue 15): an app on registry (DESIGN §11).
INSTALLED_APPS.insert(INSTALLED_APPS.index("harapan.registry") + 1, "harapan.complaints")
# The pendamping's own work: plans, activities, meetings, coaching, ethics (issue 16).
INSTALLED_APPS.insert(INSTALLED_APPS.index("harapan.complaints") + 1, "harapan.fieldwork")
# Complementary programmes and their gap lists (issue 17).
INSTALLED_APPS.insert(INSTALLED_APPS.index("harapan.fieldwork") + 1, "harapan.programs")
INSTALLED_APPS.insert(INSTALLED_APPS.index("harapan.programs") + 1, "harapan.reports")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The language of the user's profile, never the browser's (DESIGN §11).
    "harapan.accounts.middleware.ProfileLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Contention (issue 14): SQLite's busy timeout run out is a 503 page, not a 500.
    "harapan.busy.DatabaseBusyMiddleware",
]

if not DEBUG:
    # Production serves its own static files (no CDN, DESIGN §11) from STATIC_ROOT.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "harapan.urls"
WSGI_APPLICATION = "harapan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "harapan.navigation.main_menu",
            ],
            # The display filters (number, money, day, month, region …) on every page.
            "builtins": ["harapan.display.filters"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{Path.cwd() / 'harapan.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets page views read while a long import writes. A 128 MB page cache
    # keeps batch joins over a kabupaten's rows off the disk (the default is
    # 2 MB); it is a bound, so memory stays flat however large the file.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-131072;"
    )
    # Contention (issue 14): a transaction takes the write lock when it begins, and
    # waits up to the busy timeout for it, instead of reading first and failing
    # with "database is locked" when it then writes after another's commit. Two
    # coordinators deciding at once: the second waits, reads the first's decision,
    # and gets the app's own message ("sudah diputuskan").
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["timeout"] = float(
        os.environ.get("HARAPAN_SQLITE_BUSY_TIMEOUT", "20")
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", Path.cwd() / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Background work (DESIGN §11): tasks are rows in this database and `harapan db_worker`
# runs them, so SQLite and PostgreSQL behave alike. On Django 6 the same setting
# drives the built-in django.tasks.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# The largest file an upload page accepts; it waits for its worker in the database.
HARAPAN_UPLOAD_MAX_MB = int(os.environ.get("HARAPAN_UPLOAD_MAX_MB", "100"))
# Issue 14, uploads: what an XLSX may hold, read from its zip directory before it is
# parsed (lib/tabular.py `check_content`); the same limits hold for the commands.
HARAPAN_UPLOAD_MAX_UNPACKED_MB = int(os.environ.get("HARAPAN_UPLOAD_MAX_UNPACKED_MB", "500"))
HARAPAN_UPLOAD_MAX_ROWS = int(os.environ.get("HARAPAN_UPLOAD_MAX_ROWS", "1048576"))  # as Excel
# A spreadsheet's XML packs 5 to 20 times; a zip bomb hundreds of times.
HARAPAN_UPLOAD_MAX_ZIP_RATIO = int(os.environ.get("HARAPAN_UPLOAD_MAX_ZIP_RATIO", "100"))

# Downloads (issue 18, harapan/downloads.py): an XLSX of more rows than this is written by a
# background task into HARAPAN_EXPORT_DIR (shared by the web and the worker processes) and
# downloaded from its run's page.
HARAPAN_LARGE_EXPORT_ROWS = int(os.environ.get("HARAPAN_LARGE_EXPORT_ROWS", "50000"))
HARAPAN_EXPORT_DIR = Path(os.environ.get("HARAPAN_EXPORT_DIR", Path.cwd() / "exports"))

# Scheduled jobs: a task path and the local time (TIME_ZONE) it runs every day.
# Each job re-enqueues itself for its next run; `harapan schedule` starts any that
# is missing (`harapan demo` and `make run` call it).
HARAPAN_DAILY_JOBS = {
    "harapan.graduation.tasks.apply_exits_daily": "01:00",
    # After the exits, so that the families that left that night are not checked.
    "harapan.registry.tasks.check_data_nightly": "02:00",
    # Issue 18: the dashboards' per-desa summary rows, after that night's exits.
    "harapan.reports.tasks.refresh_summaries_nightly": "03:00",
}
# Jobs run at the top of every hour (issue 15: complaint escalation, DESIGN §8).
HARAPAN_HOURLY_JOBS = ["harapan.complaints.tasks.escalate_complaints_hourly"]

# The public complaint form (issue 15, /pengaduan/): the largest attachment, and how many
# complaints one address may send, and how many wrong PINs it (or one code) may try, per
# window, before it waits (counts in the "throttle" cache, accounts/throttling.py).
HARAPAN_COMPLAINT_ATTACHMENT_MAX_MB = int(
    os.environ.get("HARAPAN_COMPLAINT_ATTACHMENT_MAX_MB", "2")
)
HARAPAN_COMPLAINT_RATE_LIMIT = int(os.environ.get("HARAPAN_COMPLAINT_RATE_LIMIT", "5"))
HARAPAN_COMPLAINT_RATE_WINDOW_SECONDS = int(
    os.environ.get("HARAPAN_COMPLAINT_RATE_WINDOW_SECONDS", "3600")
)
HARAPAN_COMPLAINT_PIN_FAILURE_LIMIT = int(
    os.environ.get("HARAPAN_COMPLAINT_PIN_FAILURE_LIMIT", "5")
)
HARAPAN_COMPLAINT_PIN_WINDOW_SECONDS = int(
    os.environ.get("HARAPAN_COMPLAINT_PIN_WINDOW_SECONDS", "900")
)

SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = [
        o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
    ]

# HTTPS that the deployment declares, never assumed (issue 14, docs/deploy.md). HSTS binds
# browsers to HTTPS for a year (and preload, for good) once sent, so it is off until the
# environment turns it on. X-Forwarded-Proto is trusted only when a reverse proxy sets it
# and strips the client's own: trusted blindly, any client could claim HTTPS.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", False)
if env_flag("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp, issue 14): pages load only the app's own files and
# run no inline script or style (there is none). The API docs add, on their view only,
# the data: images of Swagger UI's stylesheet (harapan/api.py).
MIDDLEWARE.append("csp.middleware.CSPMiddleware")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Sign-in protection (issue 14) -------------------------------------------------------
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp"]
# The idle expiry renews the session it follows. OTPMiddleware marks a session verified by
# a second factor; ours then asks for the code, in the user's language. Axes turns a
# lock-out into its page, and must come last.
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
                  "harapan.accounts.middleware.IdleSessionMiddleware")  # fmt: skip
MIDDLEWARE.insert(MIDDLEWARE.index("harapan.accounts.middleware.ProfileLanguageMiddleware"),
                  "django_otp.middleware.OTPMiddleware")  # fmt: skip
MIDDLEWARE.insert(MIDDLEWARE.index("harapan.accounts.middleware.ProfileLanguageMiddleware") + 1,
                  "harapan.accounts.middleware.SecondFactorMiddleware")  # fmt: skip
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# A lock-out holds one username from one address: a Dinas Sosial office behind one NAT
# address keeps working while one colleague's account cools off.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("HARAPAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("HARAPAN_LOGIN_COOLOFF_MINUTES", "15")))
# Tries during a lock-out do not push its end further: the page can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True  # counts failures in a row, not in a quarter of an hour
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in the audit trail already
# A lock-out ends by itself after the cool-off; no admin page deletes its counts unaudited
# (`harapan axes_reset_username <name>` on the server, for an urgent case).
AXES_ENABLE_ADMIN = False
AXES_LOCKOUT_CALLABLE = "harapan.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "harapan.accounts.throttling.client_ip"
# How many reverse proxies in front of the app append to X-Forwarded-For; 0: the peer's
# address (REMOTE_ADDR) is the client's. Behind one nginx, 1.
HARAPAN_TRUSTED_PROXIES = int(os.environ.get("HARAPAN_TRUSTED_PROXIES", "0"))
# Wrong API tokens from one address: after this many within the window, 429 until it ends.
HARAPAN_API_TOKEN_FAILURE_LIMIT = int(os.environ.get("HARAPAN_API_TOKEN_FAILURE_LIMIT", "10"))
HARAPAN_API_TOKEN_WINDOW_SECONDS = int(os.environ.get("HARAPAN_API_TOKEN_WINDOW_SECONDS", "600"))
# The token counts live in a database table (made by migrate), not in a worker's memory:
# every worker process must see the same count, or N workers allow N times the limit.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "harapan_throttle_cache",
    },
    # A dashboard's figures between two summary refreshes (reports/figures.py): in each
    # process's memory, as they are the same for everyone who may see them.
    "reports": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "reports"},
}
# Idle expiry: a session unused this long is signed out. An hour covers a home visit in
# which the phone sits in a pocket while the pendamping interviews the family, so a
# half-filled form survives; a phone lost or left in a shared office is closed within the
# hour. (Eight hours would leave a lost phone open for the working day.)
SESSION_COOKIE_AGE = 60 * int(os.environ.get("HARAPAN_SESSION_IDLE_MINUTES", "60"))
# A second factor (TOTP) is offered to these roles (accounts/roles.py), named in the
# authenticator app as:
OTP_TOTP_ISSUER = "Harapan PKH"

# Which role approves each kind of data update (pemutakhiran); a role higher
# in the korcam → korkab chain may decide too. Values: korcam, korkab, operator.
HARAPAN_CHANGE_APPROVERS = {
    "kelahiran": "korcam",
    "kematian": "korcam",
    "pindah": "korcam",
    "kehamilan": "korcam",
    "pendidikan": "korcam",
    "tanggal_lahir": "korcam",
    "jenis_kelamin": "korcam",
    "hubungan": "korcam",
    "disabilitas": "korcam",
    "rekening": "korcam",
    "desil": "korcam",
}

# Complaints (issue 15, DESIGN §8): the working days each step may take, counted from the
# end of the previous step (harapan/workdays/calendar.py counts them).
HARAPAN_COMPLAINT_SLA_TRIAGE_DAYS = int(os.environ.get("HARAPAN_COMPLAINT_SLA_TRIAGE_DAYS", "3"))
HARAPAN_COMPLAINT_SLA_RESPONSE_DAYS = int(
    os.environ.get("HARAPAN_COMPLAINT_SLA_RESPONSE_DAYS", "5")
)
HARAPAN_COMPLAINT_SLA_RESOLUTION_DAYS = int(
    os.environ.get("HARAPAN_COMPLAINT_SLA_RESOLUTION_DAYS", "10")
)
