"""Benchmarks: each prints its figures; ``make bench`` runs them and writes RESULTS.md."""
