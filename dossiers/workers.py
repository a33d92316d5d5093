"""Prepare a long-lived worker process (gunicorn's and Celery's) for its work.

Called by portal/gunicorn.conf.py (post_worker_init, before the worker takes requests) and by
portal/celery.py (before a pool process's first task: see there why not at its start)."""

import gc
import logging
import time

from django.conf import settings

logger = logging.getLogger(__name__)


def prepare() -> None:
    """Render a receipt, then freeze the heap; nothing where settings.WORKER_WARM_UP is off.

    - A process's first receipt costs far more than the next ones, even with WeasyPrint loaded
      (segno, the bold and italic faces, the template): a worker pays it here, not a citizen at
      their first download.
    - What is loaded by then (Django, WeasyPrint, the fonts: over a hundred thousand objects)
      lives as long as the process. Frozen, it is no longer walked by the garbage collector's
      full passes, which made the slowest receipts.

    Call it in the thread that renders the PDFs: WeasyPrint's font configuration is made per
    thread (core.pdf.font_configuration), and the one warmed up is the one used.

    The figures are in docs/benchmarks.md (intake, "a worker prepares itself").
    """
    if not settings.WORKER_WARM_UP:
        return
    from dossiers.receipts import warm_up

    started = time.monotonic()
    warm_up()
    gc.collect()  # what is garbage now would never be collected once frozen
    gc.freeze()
    logger.info("Worker process prepared in %.1f s", time.monotonic() - started)
