"""Reading posted forms the way every entry page of the portal does: fields named `<name>-<id>`,
figures typed as the documents write them, texts within a length, the version the page was opened
at. Problems are collected per field, so a user sees every mistake at once."""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError

from kpis.rules.forecasts import below_first_half
from kpis.values import parse_figure
from reports.audit import WorkflowError
from reports.display.formatting import display_number
from reports.models.forecasts import MAX_REASON_LENGTH


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


def read_figure(
    posted: Mapping[str, str], key: str, indicator, errors: dict, *, label: str = ""
) -> Decimal | None:
    """The figure typed in `key` for the indicator (full-width digits, commas, 件 accepted); messages
    name the indicator, or `label` (e.g. "…の年度末見込み") when given."""
    try:
        return parse_figure(posted.get(key), indicator.measure, label=label or indicator.name)
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


def read_line(posted: Mapping[str, str], key: str, limit: int, errors: dict, *, label: str) -> str:
    """A one-line text (a reason), stripped: a line break or more than `limit` characters is an error."""
    text = read_text(posted, key, limit, errors, label=label)
    if key not in errors and ("\n" in text or "\r" in text):
        errors[key] = f"{label}は1行で入力してください（改行は入れられません）。"
    return text


def read_forecast(
    posted: Mapping[str, str], indicator, errors: dict, *, key: str, reason_key: str, first_half=None
) -> tuple[Decimal | None, str]:
    """A year-end forecast (年度末見込み) and its one-line reason: both, or neither. `first_half`: the
    上期 figure a flow's forecast may not fall below (kpis.rules.forecasts.below_first_half)."""
    value = read_figure(posted, key, indicator, errors, label=f"{indicator.name}の年度末見込み")
    reason = read_line(posted, reason_key, MAX_REASON_LENGTH, errors, label="見込みの理由")
    if key in errors or reason_key in errors:
        return value, reason
    if value is None and reason:
        errors[key] = "年度末見込みを入力してください（理由だけは保存できません）。"
    elif value is not None and not reason:
        errors[reason_key] = "見込みの理由を1行で入力してください。"
    elif value is not None and below_first_half(value, first_half, indicator.aggregation):
        errors[key] = (
            f"年度末見込みは上期を含む年度全体の見込みです。上期の実績（{display_number(first_half)}"
            f"{indicator.unit}）以上の値を入力してください。"
        )
    return value, reason


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
