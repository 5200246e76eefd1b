"""Benchmarks: `make bench` (python -m bench [NAME...]) prints one table of figures and ratios."""
