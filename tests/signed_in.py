"""Signing a test client in as one of the demo users (regions/demo.py)."""

from django.contrib.auth.models import User


def login(client, username: str):
    client.force_login(User.objects.get(username=username))
    return client
