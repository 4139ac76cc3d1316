"""A column of a plan workbook's sheet: its Japanese name, the English key accepted as its alias
(the KPI, target and actual files' keys where they exist), how its cells are read and written, and
what the 記入方法 sheet says about it; and the columns several sheets share.

The sheets themselves are in kpis/workbook/plan_columns.py and kpis/workbook/kpi_columns.py, listed
in order by kpis/workbook/sheets.py.
"""

from dataclasses import dataclass

from kpis.cells import Cell, TextCell
from kpis.workbook.cells import CodeCell, IntegerCell, RegionCodeCell

INSTRUCTIONS_TITLE = "記入方法"


@dataclass(frozen=True)
class Column:
    name: str  # the header written, in Japanese
    alias: str  # the English key, accepted as the header too
    cell: Cell
    required: bool = False  # the column must be in the sheet
    help: str = ""
    example: object = None


@dataclass(frozen=True)
class Sheet:
    title: str
    alias: str
    about: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> dict[str, Column]:
        return {column.alias: column for column in self.columns}

    def column(self, alias: str) -> Column:
        return self.names[alias]


def plan_column(help_text: str = "計画シートの計画と同じ番号") -> Column:
    return Column("計画", "plan", IntegerCell("計画", required=True), True, help_text, 4)


def region_column(required: bool = False, help_text: str = "", example: object = "14") -> Column:
    text = help_text or "都道府県は JIS コード2桁（01〜47）、政令市は5桁（神戸市 28100）"
    return Column("地域コード", "region_code", RegionCodeCell("地域コード"), required, text, example)


KPI_CODE = Column(
    "KPIコード",
    "kpi_code",
    CodeCell("KPIコード", required=True),
    True,
    "中央KPIは C01…、地域KPIは 地域コード-番号",
    "14-1",
)
INDICATOR_CODE = Column(
    "指標コード", "indicator_code", CodeCell("指標コード", required=True), True, "KPIの中の番号 1, 2, …", "1"
)
NOTE = Column("注記", "note", TextCell(), help="文書の表記と違う点、読み替えたことなど")
SOURCE = Column("出典", "source", TextCell(), help="文書と節（200文字まで）", example="新計画 §3")
ORDER = Column("表示順", "order", IntegerCell("表示順"), help="一覧での順（小さいほど先）", example=1)
