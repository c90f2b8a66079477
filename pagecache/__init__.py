"""Cache invalidation, owned in one place: the data version, its bump, the page cache.

- `pagecache.models.DataVersion`: one row, the version of the public data.
- `pagecache.versions`: `current_data_version()` (the one read, a single seam),
  `bump_data_version()` (once per write transaction), and the signal wiring that bumps on a
  write to any model an app declares public (`public_models` on its AppConfig).
- `pagecache.middleware.ConditionalPageCacheMiddleware`: ETags, 304s and cached pages keyed
  by that version.
"""
