"""Prepare a long-lived worker process (gunicorn's and Celery's) before it takes any work."""

import gc


def prepare() -> None:
    """Render a receipt, then freeze the heap.

    - A process's first receipt costs ~350 ms more than the next ones with WeasyPrint not yet
      loaded, and still ~120 ms more with it loaded (segno, the bold and italic faces, the
      template): a worker pays it here, not a citizen at their first download.
    - What is loaded by then (Django, WeasyPrint, the fonts: ~125,000 objects) lives as long as
      the process. Frozen, it is no longer walked by the garbage collector's full passes, which
      took 60-90 ms each and made the slowest receipts (docs/benchmarks.md, intake).
    """
    from dossiers.receipts import warm_up

    warm_up()
    gc.collect()  # what is garbage now would never be collected once frozen
    gc.freeze()
