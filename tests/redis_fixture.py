"""A throw-away redis-server on 127.0.0.1 for tests that need Redis (the RQ task backend, the Redis cache)."""
