"""Django settings, read from the environment so one build serves the demo, tests and production.

Environment: DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS (comma separated), REDIS_URL, MINSHENG_TASKS, DEBUG,
MINSHENG_DATA_DIR (SQLite file, uploads, generated key), MINSHENG_SECURE (secure cookies,
default on unless DEBUG), MINSHENG_SSL_REDIRECT, MINSHENG_HSTS_SECONDS, MINSHENG_HSTS_PRELOAD.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from minsheng.ingest.limits import Limits

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("MINSHENG_DATA_DIR", Path.cwd() / "data")).resolve()
DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    # A key kept beside the data lets the demo and single-host installs survive restarts
    # without anyone having to invent one; multi-host production sets SECRET_KEY.
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "minsheng.core.admin_site.MinshengAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "axes",
    "csp",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "minsheng.core",
    "minsheng.plans",
    "minsheng.portal",
    "minsheng.progress",
    "minsheng.appeals",
    "minsheng.supervision",
    "minsheng.assessment",
    "minsheng.maps",
    "minsheng.cockpit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "minsheng.core.middleware.RejectNulBytes",
    "csp.middleware.CSPMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "minsheng.core.middleware.BusyDatabase",
]

ROOT_URLCONF = "minsheng.urls"
WSGI_APPLICATION = "minsheng.wsgi.application"
AUTH_USER_MODEL = "core.User"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'minsheng.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several gunicorn workers share one SQLite file in the demo: wait for locks, don't fail.
    # IMMEDIATE takes the write lock when a transaction starts, so two workflow steps queue on the
    # timeout instead of one failing at once when it upgrades its read lock (SQLITE_BUSY is not
    # retried for an upgrade). Measured with 4 threads x 40 read-then-write transactions and a 20 s
    # timeout: deferred lost 57 of 160 to "database is locked", immediate none. What still times
    # out is answered 503 by core.middleware.BusyDatabase.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work goes through the django.tasks API (django-tasks backport). MINSHENG_TASKS picks
# the backend: "rq" (the default when REDIS_URL is set: Redis queue, `minsheng worker` runs rq
# workers), "db" (django-tasks-db: the queue is a table, `minsheng worker` runs its worker) or
# "immediate" (the default otherwise: the demo and tests run a task inside the request, so a
# one-command demo needs no second process and a notice is ready when the page reloads).
TASKS_MODE = os.environ.get("MINSHENG_TASKS") or ("rq" if REDIS_URL else "immediate")
TASK_BACKENDS = {
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "db": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
}
if TASKS_MODE not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"MINSHENG_TASKS must be one of {', '.join(TASK_BACKENDS)}, not {TASKS_MODE!r}")
TASKS = {"default": TASK_BACKENDS[TASKS_MODE]}
# Defined whatever the mode, so that a test can switch TASKS to RQ alone.
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 600}}
# A notice 生成中 with no progress for this many seconds is taken as abandoned (its worker was
# killed): shown as failed and retryable under the same number, and requeued by `minsheng worker`.
MINSHENG_NOTICE_TIMEOUT = int(os.environ.get("MINSHENG_NOTICE_TIMEOUT", "900"))

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "plans:plan_list"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
# Locked per username *and* address: failures for a made-up name cannot lock out everyone behind
# one proxy, and one address cannot lock out a real user it does not share.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "minsheng.core.net.axes_client_ip"
AXES_USERNAME_CALLABLE = "minsheng.core.net.axes_username"  # cut to the longest real username
AXES_LOCKOUT_CALLABLE = "minsheng.core.errors.lockout"  # a 429 page in the site's layout
# Reverse proxies in front of the app (nginx alone: 1); 0 ignores X-Forwarded-For (see core/net.py).
MINSHENG_PROXY_COUNT = int(os.environ.get("MINSHENG_PROXY_COUNT", "0"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Front-end packages come from npm (package.json at the repo root, `npm ci` in ./run); a finder
# publishes the few files the pages load from there, so no CDN and no built file in the repo.
NODE_MODULES = Path(os.environ.get("MINSHENG_NODE_MODULES", BASE_DIR.parents[1] / "node_modules"))
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "minsheng.maps.finders.NodeModulesFinder",
]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request without it
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Tests and the demo serve static files straight from the apps, no collectstatic step needed.
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

SECURE = env_bool("MINSHENG_SECURE", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("MINSHENG_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("MINSHENG_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("MINSHENG_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "minsheng.core.errors.csrf_failure"
# The pages load nothing from elsewhere and run no inline script (htmx, ECharts and our code are
# static files), so the policy can be strict. Style *attributes* stay allowed: progress bars set
# their width that way and ECharts writes its tooltips with them; they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["minsheng.core.api_permissions.VisibleObjects"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Minsheng API",
    "DESCRIPTION": "民生实事项目管理系统接口",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# The work reading one uploaded plan document may cost: paragraphs, table rows and cells, pages,
# characters, XML elements, seconds and memory of the process that reads it (see
# minsheng/ingest/limits.py). Each is set as MINSHENG_IMPORT_<NAME>, e.g. MINSHENG_IMPORT_SECONDS=90.
IMPORT_LIMITS = Limits.from_environ(os.environ)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
