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
DEBUG = env_bool("GONGKAI_DEBUG", not PRODUCTION)


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
    "gongkai.reports",
    "gongkai.office",
    "gongkai.portal",
    "gongkai.api",
    "gongkai.demo",
    "gongkai.backup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gongkai.core.middleware.ContentSecurityPolicyMiddleware",
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
        },
    }
]

DATABASES = {"default": database_from_env("DATABASE_URL", DATA_DIR / "gongkai.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
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
# 等保 level 3 requires two-factor login for every staff account.
REQUIRE_TWO_FACTOR = env_bool("GONGKAI_REQUIRE_TWO_FACTOR", False)
OTP_TOTP_ISSUER = "Gongkai 公开"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False
# Lock the account, not the address: a township office shares one NAT address, and an unknown username
# must be answered exactly like a known one.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_IPWARE_PROXY_COUNT = env_int("GONGKAI_PROXY_COUNT", 0, minimum=0)

SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True  # 30 minutes idle, not 30 minutes from login
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
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
            "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = env_str("GONGKAI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("GONGKAI_FROM_EMAIL", "gongkai@localhost")


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("GONGKAI_LOG_LEVEL", "WARNING")},
}
