from plans.models import Plan
from regions import access


def navigation(request):
    """The header menu: the plans (one query), and the workflow pages the user's role may open."""
    user = request.user
    if not user.is_authenticated:
        return {}
    role = access.access_of(user)
    return {
        "nav_plans": Plan.objects.action_plans().only("number", "name"),
        "nav_role": access.role_label(user),
        "nav_progress": role.is_central or role.is_bureau or role.is_officer,
        # meetings are read by those who attend them (regions/access.py meeting_block_scope)
        "nav_meetings": role.is_central or role.is_bureau or role.is_officer,
        "nav_status_board": access.may_see_status_board(user),
        "nav_periods": access.may_manage_periods(user),
        "nav_central_entry": access.may_enter_central_actuals(user),
    }
