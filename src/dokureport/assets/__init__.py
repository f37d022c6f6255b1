"""Prepare-assets stage: photos and logos made ready for the page, in parallel, cached.

Each image is oriented, converted to sRGB, cropped and sized for the box it is placed
in (`plan`), by worker processes (`pixels`) that a preparer feeds while layout goes on
and whose results it caches (`preparer`). `dokureport validate` decodes many images in
the same kind of worker pool (`verify`).
"""

from dokureport.assets.pixels import oriented_size
from dokureport.assets.plan import ImageRequest, PreparedImage
from dokureport.assets.preparer import (
    CACHE_MAX_AGE_DAYS,
    CACHE_MAX_BYTES,
    ImagePreparer,
    PreparerStats,
)
from dokureport.core.cache_dir import default_cache_dir

__all__ = [
    "CACHE_MAX_AGE_DAYS",
    "CACHE_MAX_BYTES",
    "ImagePreparer",
    "ImageRequest",
    "PreparedImage",
    "PreparerStats",
    "default_cache_dir",
    "oriented_size",
]
