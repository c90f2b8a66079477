"""Cache invalidation, owned in one place: the data version, its bump, the page cache.

- `pagecache.models.DataVersion`: one row, the version of the public data.
- `pagecache.versions`: `current_data_version()` (the one read, a single seam),
  `bump_data_version()` (once per write transaction), and the signal wiring that bumps on a
  write to any model an app declares public (`public_models` on its AppConfig).
- `pagecache.listener`: on PostgreSQL each process holds the version, kept fresh by
  LISTEN/NOTIFY (the row is read per request whenever that channel is down).
- `pagecache.middleware.ConditionalPageCacheMiddleware`: ETags, 304s and cached pages keyed
  by that version; 503 while the database is down.
- `pagecache.keys`: the canonical query a page is stored under (none for unknown parameters).
- `pagecache.store`: the cache kept out of the way while it fails; gzip/Brotli encodings.
"""
