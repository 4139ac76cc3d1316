"""Being built: answers 404 until then."""

from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def indicator(request, indicator_id: int):
    raise Http404
