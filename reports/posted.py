"""Reading posted forms the way every entry page of the portal does: fields named `<name>-<id>`,
figures typed as the documents write them, texts within a length, the version the page was opened
at. Problems are collected per field, so a user sees every mistake at once."""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError

from kpis.values import parse_figure
from reports.audit import WorkflowError


def posted_ids(posted: Mapping[str, str], prefixes: Iterable[str]) -> set:
    """The ids of the `<prefix>-<id>` fields posted: ints, or the raw text of an id that is not one."""
    prefixes = tuple(prefixes)
    ids = set()
    for key in posted:
        prefix, _sep, suffix = key.partition("-")
        if prefix in prefixes and suffix:
            ids.add(int(suffix) if suffix.isdecimal() and suffix.isascii() else suffix)
    return ids


def foreign_ids_message(what: str, ids: Iterable) -> str:
    """A form naming ids outside what the page offers (forged or outdated): the whole form is refused."""
    listed = ", ".join(str(key) for key in sorted(ids, key=str))
    return f"{what}が送信されました（ID: {listed}）。保存していません。画面を開き直してください。"


def read_figure(posted: Mapping[str, str], key: str, indicator, errors: dict) -> Decimal | None:
    """The figure typed in `key` for the indicator (full-width digits, commas, 件 accepted)."""
    try:
        return parse_figure(posted.get(key), indicator.measure, label=indicator.name)
    except ValidationError as error:
        errors[key] = error.messages[0]
        return None


def read_text(posted: Mapping[str, str], key: str, limit: int, errors: dict, *, label: str = "") -> str:
    """A free text, stripped; longer than `limit` characters is an error on its field."""
    text = (posted.get(key) or "").strip()
    if len(text) > limit:
        subject = f"{label}は" if label else ""
        errors[key] = f"{subject}{limit}文字以内で入力してください（{len(text)}文字）。"
    return text


def posted_version(posted: Mapping[str, str]) -> int:
    """The version of the object the page was opened at (optimistic locking)."""
    raw = (posted.get("version") or "").strip()
    if not raw.isdecimal() or not raw.isascii():
        raise WorkflowError(
            "画面の版情報がないため保存していません。画面を開き直してからもう一度操作してください。"
        )
    return int(raw)


def posted_rows(posted: Mapping[str, str], prefix: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a repeated group of fields (`step-0-date_label`, `step-0-text`, …), in index order."""
    indexes = set()
    for key in posted:
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == prefix and parts[1].isdecimal() and parts[2] in names:
            indexes.add(int(parts[1]))
    return [
        {"index": str(i), **{name: (posted.get(f"{prefix}-{i}-{name}") or "").strip() for name in names}}
        for i in sorted(indexes)
    ]


def posted_list(posted, name: str) -> list[str]:
    return posted.getlist(name) if hasattr(posted, "getlist") else list(posted.get(name) or [])
