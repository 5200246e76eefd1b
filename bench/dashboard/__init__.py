"""The dashboard benchmark's pieces: generated data loaded into SQLite (``common``, ``commerce_data``,
``service_data``, ``prepare``), the same numbers from DuckDB (``duck_load``, ``duck_service``, ``duck``)
and the comparison of the two documents (``compare``). ``bench/bench_dashboard.py`` runs them."""
