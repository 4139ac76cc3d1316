"""The server-error page is Japanese and says that nothing was saved."""

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
