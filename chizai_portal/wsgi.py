import os

from django.core.wsgi import get_wsgi_application

from chizai_portal.memory import settle_after_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chizai_portal.settings")
application = get_wsgi_application()
settle_after_start()  # each worker process, once loaded (chizai_portal/memory.py)
