"""A throw-away S3-compatible server (moto in server mode) on 127.0.0.1 for tests of object storage."""
