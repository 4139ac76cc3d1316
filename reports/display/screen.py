"""A django-tables2 table written out for the screen in one pass, as its own template would print it.

django-tables2 renders a cell at a time: a template lookup, an inspection of the render method's
signature and a computation of the cell's attributes for every cell, which made most of a dashboard's
time once a plan has thousands of figures. Here each column's header, attributes and render method
are worked out once, the cells of a row are written and joined, and the template
(templates/reports/_screen_table.html) loops over finished rows. The text is the same as
`{% render_table %}` prints (tests/test_screen_tables.py compares the two); the exports still go
through django-tables2 (reports/display/exports.py).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.formats import localize
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime
from django_tables2.utils import A, AttributeDict, signature

CELL_ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")
# the attributes a column's cells take from the table's and the column's `attrs`
CELL_ATTRS = ("td", "cell")


@dataclass(frozen=True)
class Heading:
    attrs: str
    text: str
    href: str | None  # the ?sort= link of an orderable column


@dataclass(frozen=True)
class ScreenRow:
    attrs: str
    cells: SafeString


@dataclass(frozen=True)
class ScreenTable:
    attrs: str
    thead_attrs: str
    tbody_attrs: str
    show_header: bool
    headings: list[Heading]
    rows: list[ScreenRow]
    empty_text: str | None
    column_count: int


def printed(value) -> SafeString:
    """A value as `{{ value }}` prints it: localised, escaped unless already safe."""
    if isinstance(value, SafeData):  # most cells: a render method's format_html
        return value
    if isinstance(value, str):
        return escape(value)
    return conditional_escape(localize(template_localtime(value)))


def sort_link(query: dict, column) -> str:
    """The header's link, as django-tables2's `querystring_replace` writes it: the page's query with
    the column's next ordering in place of the current one."""
    params = dict(query)
    params[column._table.prefixed_order_by_field] = column.order_by_alias.next
    return "?" + urlencode(params, doseq=True)


class _Column:
    """What a visible column's cells share, worked out once per table."""

    def __init__(self, bound_column):
        self.bound = bound_column
        self.name = bound_column.name
        self.accessor = A(bound_column.accessor)
        self.plain_key = A.LEGACY_SEPARATOR not in self.accessor and A.SEPARATOR not in self.accessor
        self.empty_values = bound_column.column.empty_values
        self.default = bound_column.default
        self.render = bound_column.render
        names, catch_all = signature(self.render)
        self.arguments = CELL_ARGUMENTS if catch_all else tuple(n for n in names if n in CELL_ARGUMENTS)
        # django-tables2 does not call a render method wanting an argument it does not have
        self.callable_ok = catch_all or all(name in CELL_ARGUMENTS for name in names)
        self.link = bound_column.link
        # a link whose address comes from the record alone (linkify=lambda record: …), no attributes:
        # written here as LinkTransform writes it, without inspecting the function again every row
        self.record_link = bool(
            self.link
            and callable(self.link.url)
            and not self.link.attrs
            and signature(self.link.url) == (("record",), None)
        )
        self.localize = bound_column.localize
        self.static_td = None if _computed_td(bound_column) else bound_column.attrs["td"].as_html()

    def value_of(self, record):
        if isinstance(record, dict) and self.plain_key and self.accessor in record:
            return record[self.accessor]
        try:
            return self.accessor.resolve(record)
        except Exception:  # as django-tables2: a value it cannot read is a missing value
            return None

    def cell(self, record, row) -> str:
        """The cell's <td> as HTML (safe: its attributes and text are escaped)."""
        value = self.value_of(record)
        content = self.default if value in self.empty_values else self.rendered(value, record, row)
        text = self.text(content)
        if self.static_td is None:
            # attributes computed from the cell (as BoundRow.items() sets them for BoundColumn.attrs)
            self.bound.current_value, self.bound.current_record = content, record
            return f"<td {self.bound.attrs['td'].as_html()}>{text}</td>"
        # both parts already escaped (as_html, printed): joined without escaping them again
        return f"<td {self.static_td}>{text}</td>"

    def rendered(self, value, record, row):
        if not self.callable_ok:
            return self.link_of(None, value, record, row) if self.link else None
        # the common signatures called directly: the call is most of a cell's time
        if not self.link or self.record_link:
            if self.arguments == ("value",):
                return self.linked(self.render(value=value), record)
            if self.arguments == ("value", "record"):
                return self.linked(self.render(value=value, record=record), record)
        available = self.available(value, record, row)
        content = self.render(**{name: available[name] for name in self.arguments})
        return self.link(content, **available) if self.link else content

    def linked(self, content, record):
        if not self.link:
            return content
        href = self.link.url(record=record)
        return content if href is None else format_html('<a href="{}">{}</a>', href, content)

    def link_of(self, content, value, record, row):
        return self.link(content, **self.available(value, record, row))

    def available(self, value, record, row) -> dict:
        """What django-tables2 offers a render method or a link (BoundRow._optional_cell_arguments)."""
        return {
            "value": value,
            "record": record,
            "column": self.bound.column,
            "bound_column": self.bound,
            "bound_row": row,
            "table": self.bound._table,
        }

    def text(self, content) -> SafeString:
        if self.localize is None:
            return printed(content)
        if self.localize:
            return conditional_escape(localize(content, use_l10n=True))
        return conditional_escape(localize(content, use_l10n=False))


def _computed_td(bound_column) -> bool:
    """Whether a column's cell attributes are computed per cell (a callable in `attrs`)."""
    sources = (bound_column._table.attrs, bound_column.column.attrs)
    return any(
        callable(value)
        for attrs in sources
        for key in CELL_ATTRS
        if isinstance(attrs.get(key), dict)
        for value in attrs[key].values()
    )


def _row_attrs(table, row) -> str:
    if table.row_attrs:
        return row.attrs.as_html()
    # what BoundRow.attrs gives without row_attrs ("even" or "odd": nothing to escape)
    return mark_safe(f'class="{row.get_even_odd_css_class()}"')


def _part_attrs(table, part: str) -> str:
    attrs = table.attrs.get(part)
    return AttributeDict(attrs).as_html() if isinstance(attrs, dict) else ""


def screen_table(table, query: dict | None = None) -> ScreenTable:
    """The table's headings and rows, each cell rendered once. `query`: the page's GET parameters,
    for the sort links of an orderable table."""
    if table.has_footer() or getattr(table, "page", None) or any(table.pinned_data.values()):
        raise ValueError("screen tables have no footers, pages or pinned rows; use render_table")
    visible = list(table.columns)
    columns = [_Column(bound) for bound in visible]
    headings = [
        Heading(
            attrs=bound.attrs["th"].as_html(),
            text=printed(bound.header),
            href=sort_link(query or {}, bound) if bound.orderable else None,
        )
        for bound in visible
    ]
    rows = []
    for row in table.rows:
        record = row.record
        cells = "".join([column.cell(record, row) for column in columns])
        # each cell escaped by cell()
        rows.append(ScreenRow(attrs=_row_attrs(table, row), cells=mark_safe(cells)))
    return ScreenTable(
        attrs=AttributeDict(table.attrs).as_html(),
        thead_attrs=_part_attrs(table, "thead"),
        tbody_attrs=_part_attrs(table, "tbody"),
        show_header=table.show_header,
        headings=headings,
        rows=rows,
        empty_text=table.empty_text,
        column_count=len(visible),
    )
