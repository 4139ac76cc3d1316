"""Half-year progress reports and case studies (built on top of the KPI data)."""
