"""Helpers the apps share that know no app: the page cache, PDF rendering, the Redis cache
backend and the URL converters of official codes. Nothing here imports an app of the portal."""
