"""Backups of a whole install: the database and every stored file in one archive with a manifest of
checksums (``pelatis backup``), and their restore into an empty install (``pelatis restore``)."""
