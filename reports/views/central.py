"""(being written)"""

from django.http import Http404


def _pending(*args, **kwargs):
    raise Http404


index = entry = _pending
