"""The plan workbook: a whole plan (or a programme year) as one XLSX, exported and imported exactly.

- `columns`, `plan_columns`, `kpi_columns`, `sheets`: the sheets, their Japanese columns and the
  English keys accepted as aliases, how each cell is read and written, what 記入方法 says;
- `plan_rows`, `writing`: a plan's rows from the database and the workbook (or the template);
- `reading`: the file checked as every import checks files, each sheet's rows under its columns;
- `sheet_import`, `plan_sheets`, `kpi_sheets`, `figure_sheets`: one importer per sheet, writing only
  what changed, with history;
- `importing`: the service (`import_workbook`), all or nothing in one transaction;
- `admin`: download, template, upload → preview → confirm in the admin.

docs/new-plan.md is the user's guide, with a worked example.
"""
