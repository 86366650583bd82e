"""Benchmarks of the portal: they build their own data and print figures (medians, p95, ratios against a
baseline measured in the same run, query counts, bytes). Nothing here asserts a time. `make bench` runs
bench/run_all.py; each bench_*.py script also runs on its own (`.venv/bin/python bench/<script>.py`)."""
