"""Being built: answers 404 until then."""

from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def compare(request):
    raise Http404
