"""Benchmarks: figures for people to compare, never pass/fail (see bench/call_bench.py)."""
