"""Gongkai settings: one module, configured by environment variables (see docs/deployment.md)."""

import secrets
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from gongkai.core.env import database_from_env, env_bool, env_choice, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(env_str("GONGKAI_DATA_DIR", str(PROJECT_DIR / "var"))).resolve()

PRODUCTION = env_bool("GONGKAI_PRODUCTION", False)
# `gongkai serve` (gunicorn + WhiteNoise, core/management/commands/serve.py) sets GONGKAI_SERVE=1 before the
# settings load: no debug pages, hashed and compressed static files.
SERVING = env_bool("GONGKAI_SERVE", False)
DEBUG = env_bool("GONGKAI_DEBUG", not PRODUCTION and not SERVING)


def _secret_key() -> str:
    key = env_str("GONGKAI_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("GONGKAI_SECRET_KEY must be set when GONGKAI_PRODUCTION=1")
    # A development machine gets its own random key, kept in the data directory; never a shared default.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("GONGKAI_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("GONGKAI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "captcha",
    "ninja",  # the API's schema-driven docs (Swagger UI ships in the package: no CDN)
    "gongkai.core",
    "gongkai.accounts",
    "gongkai.orgs",
    "gongkai.audit",
    "gongkai.workdays",
    "gongkai.privacy",
    "gongkai.catalog",
    "gongkai.search",
    "gongkai.channels",
    "gongkai.applications",
    "gongkai.oversight",
    "gongkai.keyworks",
    "gongkai.participation",
    "gongkai.reports",
    "gongkai.supervision",
    "gongkai.office",
    "gongkai.portal",
    "gongkai.api",
    "gongkai.demo",
    "gongkai.backup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gongkai.core.middleware.ContentSecurityPolicyMiddleware",
    "gongkai.core.middleware.NoStoreMiddleware",
    "gongkai.core.middleware.ServiceUnavailableMiddleware",
    "gongkai.api.middleware.RefuseNulMiddleware",
    # Before the session, authentication, OTP and lockout: a cached anonymous public page is answered here.
    "gongkai.core.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gongkai.accounts.middleware.StaffSecurityMiddleware",
    "gongkai.portal.middleware.LargeTextMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gongkai.urls"
WSGI_APPLICATION = "gongkai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongkai.portal.context_processors.site",
                "gongkai.office.context_processors.office",
            ],
            # After Django's own builtins, so its `date` filter replaces Django's (the same text, faster).
            "builtins": ["gongkai.core.template_dates"],
        },
    }
]

# The public site's name and footer (《政府网站发展指引》: 主办单位, 承办单位, contact, 网站标识码, ICP and 公安
# 备案 numbers). Each line is shown only when set; 主办/承办/contact fall back to the organisation of the page.
GONGKAI_SITE_NAME = env_str("GONGKAI_SITE_NAME", "政府信息公开平台")
SITE_FOOTER = {
    "sponsor": env_str("GONGKAI_SITE_SPONSOR"),  # 主办单位
    "undertaker": env_str("GONGKAI_SITE_UNDERTAKER"),  # 承办单位
    "contact": env_str("GONGKAI_SITE_CONTACT"),  # 联系方式 (phone, e-mail)
    "site_code": env_str("GONGKAI_SITE_CODE"),  # 网站标识码, 10 characters
    "icp": env_str("GONGKAI_SITE_ICP"),  # e.g. 宁ICP备12345678号
    "police": env_str("GONGKAI_SITE_POLICE"),  # e.g. 宁公网安备 64022102000001号
}

DATABASES = {"default": database_from_env("DATABASE_URL", DATA_DIR / "gongkai.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
# A PostgreSQL streaming replica (province scale): anonymous public reads go to it, everything else to the
# primary (core.dbrouter). A reader who has just written reads from the primary for REPLICA_LAG_SECONDS.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database_from_env("DATABASE_REPLICA_URL", DATA_DIR / "gongkai.sqlite3")
    # Never written, never migrated: tests use the primary's test database through this alias.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["gongkai.core.dbrouter.PrimaryReplicaRouter"]
    # Just inside the page cache (a hit reads no database): which database this request reads from.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("gongkai.core.pagecache.PublicPageCacheMiddleware") + 1,
        "gongkai.core.dbrouter.ReplicaMiddleware",
    )
REPLICA_LAG_SECONDS = env_int("GONGKAI_REPLICA_LAG_SECONDS", 10, minimum=1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # AxesStandaloneBackend first: it refuses a locked-out username before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# 等保 2.0 needs complexity and expiry; the ASVS profile prefers length and a breached-password list.
PASSWORD_POLICY = env_choice("GONGKAI_PASSWORD_POLICY", "dengbao", ("dengbao", "asvs"))
if PASSWORD_POLICY == "dengbao":
    AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 8},
        },
        {"NAME": "gongkai.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    ]
    PASSWORD_MAX_AGE_DAYS = 90
else:
    AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 12},
        },
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    ]
    PASSWORD_MAX_AGE_DAYS = 0
# 三员分立 (等保 level 3): system, security and audit administrators are three people (orgs.permissions).
SEPARATE_ADMIN_DUTIES = env_bool("GONGKAI_SEPARATE_ADMIN_DUTIES", True)
# 等保 level 3 requires two-factor login for every staff account.
REQUIRE_TWO_FACTOR = env_bool("GONGKAI_REQUIRE_TWO_FACTOR", False)
OTP_TOTP_ISSUER = "Gongkai 公开"

# Lock (account, address): five failures lock that account at that address only, so nobody can lock a colleague
# out from elsewhere; one address is throttled after GONGKAI_ADDRESS_FAILURE_LIMIT failures over any accounts
# (higher: a township office shares one NAT address). An unknown username is answered exactly like a known one.
AXES_HANDLER = "gongkai.accounts.lockout.AccountAtAddressHandler"
AXES_FAILURE_LIMIT = 5
GONGKAI_ADDRESS_FAILURE_LIMIT = env_int("GONGKAI_ADDRESS_FAILURE_LIMIT", 30, minimum=5)
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False
# Lockout alerts go to the account's owner, its organisations' security administrators and these addresses.
SECURITY_ALERT_EMAILS = env_list("GONGKAI_SECURITY_ALERT_EMAILS", [])
# Reverse proxies in front (docs/deployment.md): the client address is read through exactly this many hops of
# X-Forwarded-For, for the login lockout, the audit log and the public-form limits (core.clientaddr).
TRUSTED_PROXY_COUNT = env_int(
    "GONGKAI_TRUSTED_PROXY_COUNT", env_int("GONGKAI_PROXY_COUNT", 0, minimum=0), minimum=0
)
AXES_CLIENT_IP_CALLABLE = "gongkai.core.clientaddr.client_address"

SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True  # 30 minutes idle, not 30 minutes from login
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Besides the idle timeout: a session ends this long after login however active it is (accounts.middleware).
SESSION_ABSOLUTE_AGE = env_int("GONGKAI_SESSION_ABSOLUTE_HOURS", 8, minimum=1) * 3600
# The daily `gongkai accounts disable_inactive` disables accounts without a login for this many days.
ACCOUNT_INACTIVE_DAYS = env_int("GONGKAI_ACCOUNT_INACTIVE_DAYS", 90, minimum=1)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "office:dashboard"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("GONGKAI_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("GONGKAI_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("GONGKAI_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("GONGKAI_ALLOWED_HOSTS must list the site's host names in production")

AUDIT_RETENTION_DAYS = env_int("GONGKAI_AUDIT_RETENTION_DAYS", 365, minimum=180)
# Signed checkpoints of the audit chain, outside the database (`gongkai audit checkpoint`); the keys are in
# GONGKAI_AUDIT_KEYS, read by gongkai.audit.keys. AUDIT_SYSLOG_ADDRESS: /dev/log or host:port (UDP), or empty.
AUDIT_CHECKPOINT_FILE = Path(
    env_str("GONGKAI_AUDIT_CHECKPOINT_FILE", str(DATA_DIR / "audit-checkpoints.jsonl"))
)
AUDIT_SYSLOG_ADDRESS = env_str("GONGKAI_AUDIT_SYSLOG", "")
# Backups (`gongkai backup`): GONGKAI_BACKUP_KEY (read by gongkai.backup.crypto) encrypts the archive.

# Uploaded spreadsheets (list publishing, import) are refused above these before parsing (decompression bombs).
SPREADSHEET_LIMITS = {
    "max_bytes": env_int("GONGKAI_SPREADSHEET_MAX_BYTES", 10 * 1024 * 1024, minimum=1024),
    "max_uncompressed": env_int("GONGKAI_SPREADSHEET_MAX_UNCOMPRESSED", 20 * 1024 * 1024, minimum=1024),
    "max_rows": env_int("GONGKAI_SPREADSHEET_MAX_ROWS", 5000, minimum=1),
    "max_columns": env_int("GONGKAI_SPREADSHEET_MAX_COLUMNS", 100, minimum=1),
}
# An uploaded 公示 list waits this long server-side (catalog.uploads, never the session) for its draft.
UPLOAD_PREVIEW_MINUTES = env_int("GONGKAI_UPLOAD_PREVIEW_MINUTES", 30, minimum=1)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = Path(env_str("GONGKAI_MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            # hashed names (cached for a year by WhiteNoise) and gzip/brotli copies made by collectstatic
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION or SERVING
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Object storage (province scale): attachments, applicants' proof and staff exports in a private S3-compatible
# bucket (django-storages). Downloads are 302s to presigned URLs valid GONGKAI_S3_URL_SECONDS, given only after
# the view's permission check (core.downloads); the bucket itself must never be public.
S3_BUCKET = env_str("GONGKAI_S3_BUCKET")
S3_URL_SECONDS = env_int("GONGKAI_S3_URL_SECONDS", 60, minimum=1)
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("GONGKAI_S3_ENDPOINT") or None,  # none: AWS itself
            "region_name": env_str("GONGKAI_S3_REGION") or None,
            # Keys unset: boto3's own chain (AWS_* variables, the instance's role).
            "access_key": env_str("GONGKAI_S3_ACCESS_KEY") or None,
            "secret_key": env_str("GONGKAI_S3_SECRET_KEY") or None,
            "addressing_style": env_choice("GONGKAI_S3_ADDRESSING", "path", ("path", "virtual")),
            "signature_version": "s3v4",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": S3_URL_SECONDS,
            "file_overwrite": False,
        },
    }
if PRODUCTION or SERVING:
    # Static files from the application process itself (no nginx needed for one township).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
    WHITENOISE_MAX_AGE = 3600  # files without a hash in their name; hashed ones get a year

# The shared cache (limits of the public form, counts): Redis when GONGKAI_REDIS_URL is set (several
# servers), else the database cache on the embedded default (its table is made after every migrate).
REDIS_URL = env_str("GONGKAI_REDIS_URL")
# The public-page cache (core.pagecache) is the "pages" alias: Redis too when set, else files in DATA_DIR (a hit
# reads one small file, no database row and no write lock).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "gongkai",
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "gongkai-pages",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "gongkai_cache"},
        "pages": {
            "BACKEND": "gongkai.core.pagecache.PageFileCache",
            "LOCATION": str(DATA_DIR / "page-cache"),
            "OPTIONS": {"MAX_ENTRIES": env_int("GONGKAI_PAGE_CACHE_ENTRIES", 20000, minimum=100)},
        },
    }
# /healthz fails below this much free space on the data and media disks.
HEALTH_MIN_FREE_MB = env_int("GONGKAI_HEALTH_MIN_FREE_MB", 200, minimum=0)
# How long a cached public page lives at most (publication, retraction and organisation edits end it at once).
PAGE_CACHE_SECONDS = env_int("GONGKAI_PAGE_CACHE_SECONDS", 600, minimum=0)

# The public address of the portal: the links that channels send (WeChat, SMS, robots, QR codes on notices).
PUBLIC_BASE_URL = env_str("GONGKAI_PUBLIC_URL", "http://127.0.0.1:8000")

# Channel dispatch (channels/). Embedded default: `gongkai dispatch` sends from the database outbox, no broker.
# With GONGKAI_CELERY_BROKER_URL (Redis) new sends are queued to Celery workers and beat runs the periodic jobs
# (channels/celery.py, docs/deployment.md).
CELERY_BROKER_URL = env_str("GONGKAI_CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = env_str("GONGKAI_CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = False  # the default; only idempotent tasks set acks_late=True themselves
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = (
    3  # a publication never waits long on a broker outage (the sweep sends later)
)
DISPATCH_WORKER_BATCH = env_int("GONGKAI_DISPATCH_BATCH", 20, minimum=1)
# A worker's claim on a send lapses after this long (a killed worker's sends are then taken over and checked).
DISPATCH_LEASE_SECONDS = env_int("GONGKAI_DISPATCH_LEASE_SECONDS", 300, minimum=1)
# SMS to one number from one organisation in one day (the vendors' own limit is about 10 a day per number and
# template); a target's setting `daily_limit_per_number` overrides it. Numbers over it are left out of a send, and
# a send with nobody left waits until 08:00 the next day (channels.services.sms_daily_reserve).
SMS_DAILY_LIMIT_PER_NUMBER = env_int("GONGKAI_SMS_DAILY_LIMIT_PER_NUMBER", 5, minimum=1)
# Vendor callbacks (SMS receipts, replies) accepted per target and minute before 429 (channels.views_sms).
SMS_CALLBACKS_PER_MINUTE = env_int("GONGKAI_SMS_CALLBACKS_PER_MINUTE", 600, minimum=1)

# The public application form (applications/formguard.py); its client address is core.clientaddr's, behind
# TRUSTED_PROXY_COUNT proxies like the login's.
GONGKAI_APPLY_LIMITS = {
    "per_address": env_int("GONGKAI_APPLY_LIMIT_PER_ADDRESS", 5, minimum=1),  # an hour, then a captcha
    "per_address_hard": env_int("GONGKAI_APPLY_HARD_LIMIT_PER_ADDRESS", 20, minimum=1),  # then refused
    "per_identity": env_int("GONGKAI_APPLY_LIMIT_PER_IDENTITY", 3, minimum=1),  # a day
}
# The API (/api/v1/, gongkai.api.ratelimit): requests a minute per token, and per client address without one.
GONGKAI_API_LIMITS = {
    "per_token": env_int("GONGKAI_API_LIMIT_PER_TOKEN", 120, minimum=1),
    "per_address": env_int("GONGKAI_API_LIMIT_PER_ADDRESS", 60, minimum=1),
}
GONGKAI_APPLY_MIN_FILL_SECONDS = env_int("GONGKAI_APPLY_MIN_FILL_SECONDS", 3, minimum=0)
# 政民互动 (participation): the 留言 answer period in working days; the public forms' limits per address and hour.
QUESTION_ANSWER_WORKDAYS = env_int("GONGKAI_QUESTION_ANSWER_WORKDAYS", 5, minimum=1)
# The public site's address: the self-check's link checker checks only links to it (supervision/links.py).
SITE_URL = env_str("GONGKAI_SITE_URL", "")
GONGKAI_PARTICIPATION_LIMITS = {
    "per_address": env_int("GONGKAI_PARTICIPATION_LIMIT_PER_ADDRESS", 5, minimum=1),  # then a captcha
    "per_address_hard": env_int("GONGKAI_PARTICIPATION_HARD_LIMIT_PER_ADDRESS", 20, minimum=1),
}
CAPTCHA_LENGTH = 5
CAPTCHA_TIMEOUT = 10  # minutes
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.random_char_challenge"
CAPTCHA_LETTER_ROTATION = (-25, 25)

# Tracking codes of applications are keyed by their own keys, newest first, not SECRET_KEY
# (applications/tracking.py); outside production a key file in DATA_DIR is made when this is empty.
GONGKAI_TRACKING_KEYS = env_list("GONGKAI_TRACKING_KEYS", [])

EMAIL_BACKEND = env_str("GONGKAI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("GONGKAI_FROM_EMAIL", "gongkai@localhost")


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("GONGKAI_LOG_LEVEL", "WARNING")},
}
