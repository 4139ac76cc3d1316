"""Being built: answers 404 until then."""

from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def block(request, plan_number: int, block_code: str):
    raise Http404


@login_required
def region(request, plan_number: int, region_code: str):
    raise Http404
