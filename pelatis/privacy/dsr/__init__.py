"""Data-subject requests (access, erasure, rectification, restriction, objection) with their deadlines,
the restriction of processing, and the retention policies."""
