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
