"""What every app shares and nothing app-specific: form and error helpers, paging, rate limits,
signed-link failures, the cache backend, CSV/XLSX tables, value formatting and the UI template tags,
and the business's own details. It imports no Pelatis app (an import-linter contract holds it)."""
