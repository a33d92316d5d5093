"""Prepare a long-lived worker process (gunicorn's and Celery's) before it takes any work.

Called by portal/gunicorn.conf.py (post_worker_init) and portal/celery.py (worker_process_init)."""

import gc


def prepare() -> None:
    """Render a receipt, then freeze the heap.

    - A process's first receipt costs far more than the next ones, even with WeasyPrint loaded
      (segno, the bold and italic faces, the template): a worker pays it here, not a citizen at
      their first download.
    - What is loaded by then (Django, WeasyPrint, the fonts: over a hundred thousand objects)
      lives as long as the process. Frozen, it is no longer walked by the garbage collector's
      full passes, which made the slowest receipts.

    The figures are in docs/benchmarks.md (intake, "a worker prepares itself").
    """
    from dossiers.receipts import warm_up

    warm_up()
    gc.collect()  # what is garbage now would never be collected once frozen
    gc.freeze()
