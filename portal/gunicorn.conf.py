# Gunicorn settings shared by docker-compose and the benchmarks (bench/).
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30
keepalive = 5
# A worker is replaced after this many requests (a guard against leaks). A new worker costs about a
# second of CPU (Django, then WeasyPrint below), so not too often, and spread out: with a narrow
# jitter every worker reached its limit within the same second under a steady load.
max_requests = 20000
max_requests_jitter = 10000
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"


def post_worker_init(worker):
    from dossiers.workers import prepare

    prepare()
