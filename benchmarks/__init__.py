"""Synthetic data at a chosen multiple of the documents' size, and timings of the dashboards on it.

`python -m benchmarks` writes BENCHMARKS.md; `benchmarks.data.generate_scaled_data()` is also used by
the query-count tests, which need a data set ten times larger than the documents'.
"""
