import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from regions import roles


def test_demo_users_exist_with_their_roles_and_organisations(db, settings):
    settings.DEBUG = True
    call_command("create_demo_users", stdout=io.StringIO())
    call_command("create_demo_users", stdout=io.StringIO())  # twice: nothing duplicated
    users = User.objects.filter(username__startswith="demo-")
    assert sorted(users.values_list("username", flat=True)) == [
        "demo-admin",
        "demo-bureau-kanto",
        "demo-jpo",
        "demo-pref-02",
        "demo-pref-11",
        "demo-pref-14",
        "demo-viewer",
    ]
    assert all(user.check_password("demo") for user in users)
    kanagawa = User.objects.get(username="demo-pref-14")
    assert kanagawa.groups.get().name == roles.PREFECTURE_OFFICER
    assert kanagawa.affiliation.region.name_ja == "神奈川県"
    saitama = User.objects.get(username="demo-pref-11")
    assert saitama.affiliation.region.block == kanagawa.affiliation.region.block
    assert User.objects.get(username="demo-bureau-kanto").affiliation.block.code == "kanto"
    assert User.objects.get(username="demo-pref-02").affiliation.region.code == "02"
    assert User.objects.get(username="demo-viewer").groups.get().name == roles.VIEWER
    assert User.objects.get(username="demo-admin").is_superuser
    assert User.objects.get(username="demo-jpo").has_perm("kpis.change_actual")


def test_demo_users_are_never_created_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG が無効"):
        call_command("create_demo_users")
    assert not User.objects.filter(username__startswith="demo-").exists()


def test_the_command_prints_the_log_ins(db, settings, capsys):
    settings.DEBUG = True
    call_command("create_demo_users")
    out = capsys.readouterr().out
    assert "demo-pref-14" in out
    assert "パスワードはすべて demo" in out
