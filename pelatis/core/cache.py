"""Django's database cache with a counter that holds under concurrent processes."""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    """The database cache, where ``incr`` is one locked read-modify-write that keeps the entry's expiry.

    Django's own ``incr`` is a ``get`` then a ``set``: two web processes
    counting at once can both read 3 and both write 4, and the ``set`` moves
    the expiry on, so a fixed rate-limit window would slide with every post.
    Here the row is locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
    IMMEDIATE transactions take the write lock at BEGIN) and only its value
    changes.
    """

    def __init__(self, table: str, params: dict[str, Any]) -> None:
        super().__init__(table, params)
        self.table_name = table

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        cache_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table, key_col, value_col, expires_col = (
            quote(self.table_name),
            quote("cache_key"),
            quote("value"),
            quote("expires"),
        )
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {value_col}, {expires_col} FROM {table} WHERE {key_col} = %s{lock}",  # noqa: S608 — quoted identifiers of our own table; the key is a parameter
                [cache_key],
            )
            row = cursor.fetchone()
            if row is not None:
                expires = row[1]
                expression = models.Expression(output_field=models.DateTimeField())
                for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(
                    connection
                ):
                    expires = converter(expires, expression, connection)
            if row is None or expires < tz_now():
                raise ValueError(f"Key '{key}' not found")
            # Django's own database cache stores pickles the same way; only this install writes that table.
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode()))  # noqa: S301
            new_value = value + delta
            encoded = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {value_col} = %s WHERE {key_col} = %s",  # noqa: S608 — quoted identifiers; values are parameters
                [encoded, cache_key],
            )
        return new_value
