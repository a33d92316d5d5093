"""A bench-only fallback for `collectstatic` when a vendored file names a missing source map.

The project's storage (whitenoise's CompressedManifestStaticFilesStorage) fails `collectstatic`
when a JS or CSS file ends with `sourceMappingURL=<file>` and <file> is not shipped. The benchmarks
then collect with this storage, which only skips rewriting those comments; the manifest it writes
is read by the project's own storage when serving. common.collectstatic() uses it only after the
project's storage failed, and says so in the results.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    return tuple(
        (
            extension,
            tuple(
                p
                for p in extension_patterns
                if "sourceMappingURL" not in (p if isinstance(p, str) else p[0])
            ),
        )
        for extension, extension_patterns in patterns
    )


class SourceMapTolerantStorage(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
