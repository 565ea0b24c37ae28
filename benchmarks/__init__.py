"""Benchmarks at national scale (run by hand, never in the test suite)."""
