"""Demo users for the embedded development set-up; never created when DEBUG is off."""

from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import transaction

from regions import roles
from regions.models import Affiliation, Block, Region

DEMO_PASSWORD = "demo"
DEMO_EMAIL_DOMAIN = "example.go.jp"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str | None
    description: str
    block_code: str | None = None
    region_code: str | None = None
    is_admin: bool = False


DEMO_USERS = [
    DemoUser("demo-jpo", roles.CENTRAL_STAFF, "中央（特許庁 普及支援課）"),
    DemoUser("demo-bureau-kanto", roles.BUREAU_STAFF, "関東経済産業局 知的財産室", block_code="kanto"),
    DemoUser("demo-pref-14", roles.PREFECTURE_OFFICER, "神奈川県 担当者", region_code="14"),
    DemoUser(
        "demo-pref-11",
        roles.PREFECTURE_OFFICER,
        "埼玉県 担当者（神奈川県と同じ関東ブロック）",
        region_code="11",
    ),
    DemoUser("demo-pref-02", roles.PREFECTURE_OFFICER, "青森県 担当者", region_code="02"),
    DemoUser("demo-viewer", roles.VIEWER, "閲覧者（地域連絡会議参加者）"),
    DemoUser("demo-admin", None, "システム管理者（Django 管理画面）", is_admin=True),
]


@transaction.atomic
def create_demo_users() -> list[DemoUser]:
    """Create or reset every demo user; running it again changes nothing but the passwords."""
    groups = {code: Group.objects.get_or_create(name=code)[0] for code in roles.ROLE_LABELS}
    groups[roles.CENTRAL_STAFF].permissions.set(roles.central_staff_permissions())
    for demo in DEMO_USERS:
        user, _created = User.objects.get_or_create(username=demo.username)
        user.first_name = demo.description
        user.email = f"{demo.username}@{DEMO_EMAIL_DOMAIN}"
        user.is_staff = demo.is_admin or demo.role == roles.CENTRAL_STAFF
        user.is_superuser = demo.is_admin
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([groups[demo.role]] if demo.role else [])
        _affiliate(user, demo)
    return DEMO_USERS


def _affiliate(user: User, demo: DemoUser) -> None:
    if demo.block_code is None and demo.region_code is None:
        Affiliation.objects.filter(user=user).delete()
        return
    Affiliation.objects.update_or_create(
        user=user,
        defaults={
            "block": Block.objects.get(code=demo.block_code) if demo.block_code else None,
            "region": Region.objects.get(code=demo.region_code) if demo.region_code else None,
        },
    )
