"""The groups users are put in. What each role may do is decided by the scoping rules."""

from django.utils.translation import gettext_lazy as _

CENTRAL_STAFF = "central_staff"
BUREAU_STAFF = "bureau_staff"
PREFECTURE_OFFICER = "prefecture_officer"
VIEWER = "viewer"

ROLE_LABELS = {
    CENTRAL_STAFF: _("中央（特許庁・INPIT）"),
    BUREAU_STAFF: _("経済産業局等知的財産室"),
    PREFECTURE_OFFICER: _("自治体担当者"),
    VIEWER: _("閲覧者（地域連絡会議参加者）"),
}

# A user in several groups acts with the first of them.
ROLE_PRECEDENCE = [CENTRAL_STAFF, BUREAU_STAFF, PREFECTURE_OFFICER, VIEWER]

# Apps whose data central staff manage through the admin.
CENTRAL_STAFF_APPS = ["plans", "kpis", "regions", "reports"]


# Central staff also manage users: who has which role, in which block or region.
USER_MANAGEMENT = [("auth", "user", ("view", "add", "change")), ("auth", "group", ("view",))]


def central_staff_permissions():
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    user_management = Q(pk__in=[])
    for app_label, model, actions in USER_MANAGEMENT:
        user_management |= Q(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    return Permission.objects.filter(Q(content_type__app_label__in=CENTRAL_STAFF_APPS) | user_management)
