import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the documents' data, loaded once per session."""
    with django_db_blocker.unblock():
        call_command("load_plan_data", verbosity=0)


@pytest.fixture(autouse=True)
def no_judgements_kept_from_another_test():
    """Judgements, rendered sections and pages kept in memory (reports/dashboards/judged_memo.py,
    kept_sections.py, caching.py) outlive a test's rolled-back data."""
    from reports.dashboards import caching, judged_memo, kept_sections

    judged_memo.clear()
    kept_sections.clear()
    caching.clear_front()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Demo users are created in many tests; the real hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def viewer(db, client):
    """A client signed in as the demo viewer (every region visible, nothing to enter)."""
    from django.contrib.auth.models import User

    from regions.demo import create_demo_users

    create_demo_users()
    client.force_login(User.objects.get(username="demo-viewer"))
    return client


@pytest.fixture
def period(db):
    """The demo users and the demo reporting period (2nd plan, FY2022 上期) open."""
    from regions.demo import create_demo_users
    from reports.progress.demo import open_demo_period

    create_demo_users()
    return open_demo_period()
