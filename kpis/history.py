"""What every audited write shares: who made it and why (django-simple-history), who a user is in
a history line, and optimistic locking by a version number."""

from django.conf import settings
from django.db import models
from django.db.models import F


def recorded(user, instance, reason: str):
    """The instance, marked with the user and reason its next history record shows."""
    instance._history_user = user
    instance._change_reason = reason  # kept whole: the history's change reason is a text field
    return instance


def user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def user_reference(verbose_name) -> models.ForeignKey:
    """A "who did it" field: kept when the user is deleted (then empty), no reverse accessor."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


def take_version(instance, version: int) -> bool:
    """Move the instance to the next version if it is still at `version`; False if someone moved it.

    One conditional UPDATE: of two requests based on the same version, exactly one matches; the
    other waits for the first to commit (row lock) and then finds the version moved on.
    """
    taken = type(instance).objects.filter(pk=instance.pk, version=version).update(version=F("version") + 1)
    if taken:
        instance.version = version + 1
    return bool(taken)
