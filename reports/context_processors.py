from plans.models import Plan


def navigation(request):
    """The plans in the header menu (one query, only for signed-in users)."""
    if not request.user.is_authenticated:
        return {}
    return {"nav_plans": Plan.objects.only("number", "name")}
