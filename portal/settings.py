"""Portico settings: one file, driven by the environment (django-environ).

A demo run needs no variables at all; production sets at least SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL and SITE_URL (see README "Configuration").
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import django_stubs_ext
import environ

# Lets the typed generics of django-stubs (ModelAdmin[PortOrder], QuerySet[...]) be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# A development-only fallback; `check --deploy` flags it, production must set SECRET_KEY.
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-portico-demo-only-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The porting desk is its own admin site (porting.admin.site.desk_site), so no autodiscovery.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "porting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool("POSTGRES_DISABLE_JIT", default=True):
    # JIT compilation costs hundreds of milliseconds on short queries with high cost estimates
    # (measured: 749 ms of a 780 ms admin search); this is an OLTP app.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server, its outbox thread and a worker share the file;
    # IMMEDIATE transactions take the write lock up front, so concurrent writers wait for it
    # instead of failing with "database is locked" when a read lock cannot be upgraded.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE",
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

# --- Supporting documents (porting.documents) ----------------------------------
# Uploaded bills and CSRs are private: kept in their own storage, outside static/ and MEDIA_ROOT, never
# served by WhiteNoise or any URL of their own; they leave only through the API, a signed one-hour link
# or the desk. Default: a folder on disk. PORTING_DOCUMENTS_S3_BUCKET set: S3 or an S3-compatible store
# through django-storages (pip install -e '.[s3]'; credentials from boto3's usual AWS_* variables or role).
PORTING_DOCUMENTS_DIR = env.path("PORTING_DOCUMENTS_DIR", default=BASE_DIR / "private" / "documents")
PORTING_DOCUMENTS_S3_BUCKET = env.str("PORTING_DOCUMENTS_S3_BUCKET", default="")
if PORTING_DOCUMENTS_S3_BUCKET:
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": PORTING_DOCUMENTS_S3_BUCKET,
            "location": env.str("PORTING_DOCUMENTS_S3_PREFIX", default="documents"),
            "endpoint_url": env.str("PORTING_DOCUMENTS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("PORTING_DOCUMENTS_S3_REGION", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["documents"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PORTING_DOCUMENTS_DIR), "file_permissions_mode": 0o600,
                    "directory_permissions_mode": 0o700},
    }
# The largest document accepted (bytes); a bigger upload is a 413 payload_too_large, refused as it streams.
PORTING_DOCUMENT_MAX_BYTES = env.int("PORTING_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)

# --- Email -----------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Portico <porting@localhost>")
# An SMTP server that hangs must not hold a worker (or, without a broker, a request) for long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Security (secure by default once DEBUG is off) ------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Cache (rate limits, refresh throttle) ---------------------------------
# Shared by every process: the API rate and the signing pages' limits are counted here, so with
# locmem (the embedded demo's default) each process counts alone. Production sets CACHE_URL to
# Redis (redis://host:6379/1: Django's own RedisCache, its counters atomic with INCR).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# porting.ratelimit counts with django-ratelimit: a cache that answers nothing limits nothing.
RATELIMIT_FAIL_OPEN = True
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis that does not answer costs a request seconds, not a worker (options in CACHE_URL's query win).
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("socket_connect_timeout", 1)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", 2)

# --- Celery: Redis in production; eager (in-process) when no broker is set --
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_IGNORE_RESULT = True
# Periodic work and carrier polls go to the carrier queue; outbox rows name their own queue.
CELERY_TASK_DEFAULT_QUEUE = "carrier"
# Keep a worker's database connection across tasks (Celery closes it after every task otherwise:
# measured in bench/outbox.py, a new PostgreSQL connection per effect cost more than the effect).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
# A broker that is down must not hold a request: one immediate retry (it re-opens a pooled connection
# the broker dropped), then the outbox sweep takes over.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "refresh-open-port-orders": {
        "task": "porting.tasks.refresh_open_port_orders",
        "schedule": env.float("PORTING_REFRESH_INTERVAL_SECONDS", default=300.0),
    },
    "expire-approval-requests": {"task": "porting.tasks.expire_approval_requests", "schedule": 300.0},
    "purge-idempotency-keys": {"task": "porting.tasks.purge_idempotency_keys", "schedule": 3600.0},
    "sweep-outbox": {
        "task": "porting.tasks.sweep_outbox",
        "schedule": env.float("PORTING_OUTBOX_SWEEP_SECONDS", default=30.0),
    },
}
# --- Webhooks (DESIGN §10) -------------------------------------------------------------
# Endpoints on private, loopback or link-local addresses: refused unless this is true (the demo allows them).
PORTING_WEBHOOK_ALLOW_PRIVATE_URLS = env.bool("PORTING_WEBHOOK_ALLOW_PRIVATE_URLS", default=DEBUG)
# --- The outbox (DESIGN §9) --------------------------------------------------------
PORTING_OUTBOX_SWEEP_SECONDS = env.float("PORTING_OUTBOX_SWEEP_SECONDS", default=30.0)
# How long a claimed row is held by its worker; a worker killed mid-task frees it after this.
PORTING_OUTBOX_LEASE_SECONDS = env.float("PORTING_OUTBOX_LEASE_SECONDS", default=300.0)
# A row handed to the broker this long ago and still not claimed is enqueued again by the sweep.
PORTING_OUTBOX_REDELIVER_SECONDS = env.float("PORTING_OUTBOX_REDELIVER_SECONDS", default=120.0)
# Without a broker, a daemon thread of the serving process retries due rows (no beat needed).
PORTING_OUTBOX_EMBEDDED_SWEEPER = env.bool("PORTING_OUTBOX_EMBEDDED_SWEEPER", default=True)

# --- REST framework ----------------------------------------------------------
REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["porting.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["porting.api.authentication.HasApiKey"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["porting.api.parsers.DepthLimitedJSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["porting.api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "porting.api.errors.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
if env.bool("PORTING_BROWSABLE_API", default=DEBUG):
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")

SPECTACULAR_SETTINGS = {
    "TITLE": "Portico Number Porting API",
    "DESCRIPTION": (
        "Port phone numbers in from other carriers: check eligibility, create draft port orders, "
        "approve, submit, track, fix rejections and cancel. Compatible with the DialStack Number "
        "Porting API. Errors are RFC 9457 problem details (application/problem+json)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/v1",
    "SECURITY": [{"BearerAuth": []}],
    "APPEND_COMPONENTS": {
        "securitySchemes": {"BearerAuth": {"type": "http", "scheme": "bearer", "description": "sk_test_… or sk_live_…"}}
    },
    "AUTHENTICATION_WHITELIST": [],
    # Several shapes have a "type" with its own choices: each enum gets its own name (the serializers list
    # the values only, so the overrides name the values: labels would change the match).
    "ENUM_NAME_OVERRIDES": {
        "CommentAuthorTypeEnum": "porting.models.comments.CommentAuthorType.values",
        "DocumentTypeEnum": "porting.models.documents.DocumentType.values",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "porting.api.schema.forbid_unknown_request_keys",
        "porting.api.schema.document_idempotency_keys",
    ],
}

# --- Porting -----------------------------------------------------------------
PORTING_CARRIER = env.str("PORTING_CARRIER", default="manual")
PORTING_ACCOUNT_HEADER = env.str("PORTING_ACCOUNT_HEADER", default="DialStack-Account")
PORTING_OPERATOR_NAME = env.str("PORTING_OPERATOR_NAME", default="Portico Demo Telecom")
# The LOA seal (DESIGN §11): a PKCS#12 file with the operator's key and certificate, and its password.
# Unset: a self-signed P-256 certificate named after PORTING_OPERATOR_NAME is generated once and kept
# in the database (private key encrypted with FIELD_ENCRYPTION_KEYS): fine for a demo, trusted by nobody.
PORTING_SEAL_P12 = env.str("PORTING_SEAL_P12", default="")
PORTING_SEAL_P12_PASSWORD = env.str("PORTING_SEAL_P12_PASSWORD", default="")
# An RFC 3161 timestamp authority (http(s) URL): seals are PAdES B-T when set, B-B otherwise.
PORTING_TSA_URL = env.str("PORTING_TSA_URL", default="")
PORTING_TRUSTED_PROXY_COUNT = env.int("PORTING_TRUSTED_PROXY_COUNT", default=0)
# Requests per API key, e.g. "6000/min"; "off" disables the limit.
PORTING_API_RATE = env.str("PORTING_API_RATE", default="6000/min")
# Seconds between two carrier polls of one live order on GET (test-mode orders: always 0).
PORTING_REFRESH_SECONDS = env.int("PORTING_REFRESH_SECONDS", default=60)
# Lifetime of an emailed signing link, in seconds (default 7 days).
PORTING_SIGNING_LINK_TTL = env.int("PORTING_SIGNING_LINK_TTL", default=7 * 24 * 3600)
# After signing, the link shows the receipt and downloads the signed LOA for this many seconds (never
# once the order is cancelled); then a 410 page says how to get a copy.
PORTING_SIGNED_LOA_LINK_TTL = env.int("PORTING_SIGNED_LOA_LINK_TTL", default=3600)
PORTING_REFRESH_BATCH_SIZE = env.int("PORTING_REFRESH_BATCH_SIZE", default=50)
# A submitted order with no carrier answer for this many business days needs the desk's attention.
PORTING_DESK_STALE_BUSINESS_DAYS = env.int("PORTING_DESK_STALE_BUSINESS_DAYS", default=2)
# Both lists are independent of SECRET_KEY (DESIGN §7): changing it breaks neither.
# Comma-separated Fernet keys, newest first; the first encrypts, all decrypt (rotation).
# Unset: a public demo key (porting.fields), and `check --deploy` warns with DEBUG off.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
# Comma-separated long random strings, newest first; the first hashes new API keys, all verify
# (rotation: a key verified with an older one is rehashed with the first). Unset: a public demo
# key (porting.apikeys), and `check --deploy` warns with DEBUG off.
API_KEY_HMAC_KEYS = env.list("API_KEY_HMAC_KEYS", default=[])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
