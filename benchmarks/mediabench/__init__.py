"""The benchmark harness (see benchmarks/run.py and docs/performance.md)."""
