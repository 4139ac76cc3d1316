"""Database constraints that answer a form in Japanese, next to the field they are about.

Without a message of its own, a CheckConstraint violated in a form (the admin's included) says
「制約 “plan_span_not_reversed” に違反しています。」 above the form. Each constraint of the portal is
declared through `check` or `unique` instead: a Japanese `violation_error_message`, the constraint's
name as its `violation_error_code`, and the field its message belongs to. Models inheriting
`FieldConstraints` move the message onto that field when the form holds it (Django validates a
constraint only when every field it reads is on the form), above the form otherwise.

The models of every app use it: regions is the lowest app, so every app may import it.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

# constraint name → the field its message is shown next to
FIELD_OF: dict[str, str] = {}


def check(*, condition, name: str, message: str, field: str) -> models.CheckConstraint:
    FIELD_OF[name] = field
    return models.CheckConstraint(
        condition=condition, name=name, violation_error_message=message, violation_error_code=name
    )


def unique(
    *, fields: list[str], name: str, message: str, field: str | None = None
) -> models.UniqueConstraint:
    """By default the message goes next to the last of the fields (a code, a number, a year)."""
    FIELD_OF[name] = field or fields[-1]
    return models.UniqueConstraint(
        fields=fields, name=name, violation_error_message=message, violation_error_code=name
    )


def on_fields(error: ValidationError, exclude) -> ValidationError:
    """The same messages, each constraint's on its field unless the field is not validated here."""
    moved: dict[str, list] = {}
    for key, errors in error.error_dict.items():
        for item in errors:
            field = FIELD_OF.get(item.code) if key == NON_FIELD_ERRORS else None
            target = field if field and field not in (exclude or ()) else key
            moved.setdefault(target, []).append(item)
    return ValidationError(moved)


class FieldConstraints(models.Model):
    """A model whose constraints' messages are shown next to their fields (see the module's docstring)."""

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            raise on_fields(error, exclude) from None
