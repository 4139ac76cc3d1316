"""The error pages are Japanese: the server error says that nothing was saved; a missing page is the
portal's own 404, with DEBUG on too."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from regions.demo import create_demo_users
from regions.models import Block
from reports.meetings import views as meetings
from reports.models import LiaisonMeeting


@pytest.mark.django_db
def test_an_unexpected_error_shows_the_japanese_500_page(monkeypatch):
    create_demo_users()
    meeting = LiaisonMeeting.objects.create(
        block=Block.objects.get(code="kanto"),
        fiscal_year=2022,
        title="会議",
        held_on=timezone.localdate(),
        as_of=timezone.now(),
    )

    def broken(_meeting):
        raise RuntimeError("a fault inside the pack")

    monkeypatch.setattr(meetings, "build_pack", broken)
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="demo-bureau-kanto"))
    response = client.get(f"/meetings/{meeting.pk}/pack/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "サーバーエラー（500）" in html and "送信した内容は保存されていません" in html
    assert "a fault inside the pack" not in html


@pytest.mark.parametrize("path", ["/no-such-page/", "/kpis/999999/"])
@pytest.mark.django_db
def test_under_debug_a_missing_page_is_the_portals_japanese_404(client, settings, path):
    settings.DEBUG = True
    create_demo_users()
    client.force_login(User.objects.get(username="demo-viewer"))
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 404
    assert "ページが見つかりません（404）" in html and "Django tried these URL patterns" not in html


@pytest.mark.django_db
def test_under_debug_a_forbidden_page_is_the_portals_japanese_403_with_its_reason(client, settings):
    settings.DEBUG = True
    create_demo_users()
    client.force_login(User.objects.get(username="demo-pref-14"))
    response = client.get("/progress/status/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "この操作は許可されていません（403）" in html
    assert "提出状況一覧を見られるのは、中央（特許庁・INPIT）と経済産業局等の担当者です。" in html
    assert "Traceback" not in html and "PermissionDenied" not in html


@pytest.mark.django_db
def test_under_debug_a_refused_form_token_is_the_portals_japanese_403(settings):
    settings.DEBUG = True
    create_demo_users()
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="demo-jpo"))
    response = client.post("/progress/periods/", {"plan": "2"})
    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="ja"' in html and "CSRF verification failed" not in html
