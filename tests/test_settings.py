import json
import os
import subprocess
import sys

from django.conf import settings as django_settings


def run_settings(env: dict) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly these variables."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"}
    }
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'chizai_portal.settings'); "
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'], settings.ALLOWED_HOSTS)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_speaks_japanese_in_tokyo_time(settings):
    assert settings.LANGUAGE_CODE == "ja"
    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert settings.USE_TZ is True


def test_it_defaults_to_an_sqlite_file_in_the_project_folder():
    result = run_settings({})
    assert result.returncode == 0, result.stderr
    engine, name, _hosts = result.stdout.split(" ", 2)
    assert engine == "django.db.backends.sqlite3"
    assert name == str(django_settings.BASE_DIR / "db.sqlite3")


def test_it_reads_a_postgres_database_url():
    result = run_settings({"DATABASE_URL": "postgres://kpi:secret@db.example:5433/chizai"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("django.db.backends.postgresql chizai ")


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_settings({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_starts_with_a_secret_key_and_allowed_hosts_when_debug_is_off():
    result = run_settings(
        {"DEBUG": "false", "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "kpi.example.go.jp,127.0.0.1"}
    )
    assert result.returncode == 0, result.stderr
    assert "['kpi.example.go.jp', '127.0.0.1']" in result.stdout


def test_it_rejects_a_debug_value_it_cannot_read():
    result = run_settings({"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def production_settings(env: dict) -> dict:
    """The security and static-file settings read in a fresh interpreter with DEBUG off and these variables."""
    names = [
        "PORTAL_HTTPS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
        "CSRF_TRUSTED_ORIGINS",
        "STATIC_ROOT",
        "STORAGES",
        "SILENCED_SYSTEM_CHECKS",
    ]
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "STATIC_ROOT", "PORTAL_HTTPS"}
        and not k.startswith("SECURE_")
        and k != "CSRF_TRUSTED_ORIGINS"
    }
    code = (
        "import json, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'chizai_portal.settings'); "
        "from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DEBUG": "false", "SECRET_KEY": "k" * 50, **env},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_with_debug_off_it_insists_on_https_by_default():
    values = production_settings({})

    assert values["PORTAL_HTTPS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["CSRF_TRUSTED_ORIGINS"] == []


def test_with_debug_off_static_files_are_hashed_and_compressed():
    values = production_settings({})

    assert (
        values["STORAGES"]["staticfiles"]["BACKEND"]
        == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert values["STATIC_ROOT"] == str(django_settings.BASE_DIR / "staticfiles")


def test_with_debug_on_static_files_need_no_collectstatic(settings):
    # The test run reads the settings with the development default (DEBUG on).
    assert (
        settings.STORAGES["staticfiles"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    assert settings.SECURE_SSL_REDIRECT is False
    assert settings.SESSION_COOKIE_SECURE is False


def test_portal_https_false_allows_a_plain_http_try_out():
    values = production_settings({"PORTAL_HTTPS": "false"})

    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_behind_a_load_balancer_the_forwarded_protocol_header_is_read():
    values = production_settings(
        {
            "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
            "CSRF_TRUSTED_ORIGINS": "https://kpi.example.go.jp, https://portal.example.go.jp",
            "STATIC_ROOT": "/srv/chizai/static",
            "SECURE_HSTS_SECONDS": "600",
        }
    )

    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://kpi.example.go.jp", "https://portal.example.go.jp"]
    assert values["STATIC_ROOT"] == "/srv/chizai/static"
    assert values["SECURE_HSTS_SECONDS"] == 600


def test_the_proxy_header_may_name_its_value():
    values = production_settings({"SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_SSL,on"})

    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_SSL", "on"]


def test_hsts_preload_is_the_domain_owners_choice():
    assert production_settings({})["SILENCED_SYSTEM_CHECKS"] == ["security.W021"]
    values = production_settings({"SECURE_HSTS_PRELOAD": "true"})
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SILENCED_SYSTEM_CHECKS"] == []


def test_it_rejects_an_https_value_it_cannot_read():
    result = run_settings({"DEBUG": "false", "SECRET_KEY": "k" * 50, "PORTAL_HTTPS": "sometimes"})
    assert result.returncode != 0
    assert "PORTAL_HTTPS must be true or false" in result.stderr


def settings_values(env: dict, *names: str) -> list:
    """The named settings as a fresh interpreter reads them with exactly these variables."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ADMINS",
            "LOG_LEVEL",
            "TWO_FACTOR_REQUIRED",
            "TWO_FACTOR_FOR_OFFICERS",
        }
    }
    code = (
        "import json, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'chizai_portal.settings'); "
        "from django.conf import settings; "
        f"print(json.dumps([getattr(settings, name) for name in {list(names)!r}]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_two_factor_is_required_whenever_debug_is_off():
    production = {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "kpi.example.go.jp"}
    assert settings_values(production, "TWO_FACTOR_REQUIRED") == [True]
    assert settings_values({**production, "TWO_FACTOR_REQUIRED": "false"}, "TWO_FACTOR_REQUIRED") == [True]
    assert settings_values({"DEBUG": "true"}, "TWO_FACTOR_REQUIRED", "TWO_FACTOR_FOR_OFFICERS") == [
        False,
        False,
    ]
    assert settings_values(
        {"DEBUG": "true", "TWO_FACTOR_FOR_OFFICERS": "true"}, "TWO_FACTOR_FOR_OFFICERS"
    ) == [True]


def test_admins_and_the_log_level_come_from_the_environment():
    env = {"ADMINS": "運用 担当 <ops@example.go.jp>, kpi@example.go.jp", "LOG_LEVEL": "warning"}
    assert settings_values(env, "ADMINS", "LOG_LEVEL") == [
        [["運用 担当", "ops@example.go.jp"], ["", "kpi@example.go.jp"]],
        "WARNING",
    ]


def test_nonsense_in_admins_or_the_log_level_stops_the_portal_from_starting():
    for env in ({"ADMINS": "not an address"}, {"LOG_LEVEL": "LOUD"}):
        result = run_settings(env)
        assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr, env
