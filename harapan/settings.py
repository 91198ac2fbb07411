"""One settings module, read from the environment.

Nothing set: a development site on SQLite in the working directory.
`DATABASE_URL` (postgres://…, sqlite:///path) selects another database;
`DJANGO_DEBUG=0` with `SECRET_KEY` and `ALLOWED_HOSTS` is production.
"""

import os
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
    "harapan.accounts",
    "harapan.registry",
    "harapan.compliance",
    "harapan.benefits",
    "harapan.fds",
    "harapan.graduation",
    "harapan.demo",
]

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

# Scheduled jobs: a task path and the local time (TIME_ZONE) it runs every day.
# Each job re-enqueues itself for its next run; `harapan schedule` starts any that
# is missing (`harapan demo` and `make run` call it).
HARAPAN_DAILY_JOBS = {
    "harapan.graduation.tasks.apply_exits_daily": "01:00",
    # After the exits, so that the families that left that night are not checked.
    "harapan.registry.tasks.check_data_nightly": "02:00",
}

SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [
        o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
    ]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

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
