"""Benchmark (issue 5): how many messages per second one Celery worker sends into an SMTP sink.

    .venv/bin/python bench/notifications.py [--messages 3000]

A PostgreSQL database of its own (BENCH_NOTIFICATIONS_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/portal_bench_notifications, dropped and created again), a
redis-server of its own on a free port, an aiosmtpd server in this process, and one
`celery -A portal worker --pool=solo` (acks_late, prefetch 1; `--concurrency 2`: the prefork pool
of docker-compose's worker) on loopback. N outbox
messages (the "dossier_accepted" email: subject, text and HTML from the templates, no attachment)
are written and queued, then the worker starts and drains the queue; the rate is counted at the
SMTP server, from its first accepted message to its last. The run fails unless every message is
sent exactly once. Target: at least 350 messages per second (issue 17; it was 200 in issue 5).
The worker's settings come from this process's environment (NOTIFICATIONS_DRAIN_SECONDS,
NOTIFICATIONS_DRAIN_THREADS: the drain of notifications.services.messages_drain).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_notifications"
TARGET = 350.0
CONTEXT = {
    "code": "000.01.00.H26-261122-0001",
    "procedure": "Đăng ký khai sinh",
    "procedure_code": "1.001193",
    "agency": "Phường Long Biên",
    "agency_address": "Số 1 phố Ngọc Lâm, phường Long Biên, Hà Nội",
    "agency_phone": "024 3872 0000",
    "agency_hours": "Sáng 7:30–11:30, chiều 13:30–17:00",
    "applicant_name": "Nguyễn Văn An",
    "submitted_at": "08:00 ngày 20/11/2026",
    "due_at": "17:00 ngày 01/12/2026",
    "received_at": "09:15 ngày 20/11/2026",
    "delivery": "Nhận trực tiếp",
    "originals": ["Giấy chứng sinh"],
    "lookup_url": "http://127.0.0.1:8000/tra-cuu/?ma=000.01.00.H26-261122-0001",
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000, help="messages to send")
    parser.add_argument("--target", type=float, default=TARGET, help="messages per second")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for all")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=1,
        help="worker processes: 1, the solo pool; more, a prefork pool (compose's worker: 2)",
    )
    return parser.parse_args(argv)


def write_messages(count: int) -> list[int]:
    """Write `count` pending messages to the outbox, as the services do; return their ids."""
    from notifications.constants import MessageChannel
    from notifications.models import Message

    Message.objects.bulk_create(
        Message(
            channel=MessageChannel.EMAIL,
            recipient=f"cong.dan.{index}@example.vn",
            template="dossier_accepted",
            context={**CONTEXT, "code": f"000.01.00.H26-261122-{index:04d}"},
        )
        for index in range(count)
    )
    return list(Message.objects.order_by("pk").values_list("pk", flat=True))


def publish(message_ids: list[int]) -> float:
    """Queue one task per message on the broker; return the seconds it took."""
    from notifications.tasks import message_send

    started = time.monotonic()
    for message_id in message_ids:
        message_send.delay(message_id)
    return time.monotonic() - started


def main(argv=None) -> int:
    args = parse_args(argv)
    common.install_signal_handlers()
    from tests.notifications.helpers import CeleryWorker, RedisServer, SmtpSink

    stamp = common.timestamp()
    os.environ.setdefault(
        "BENCH_DATABASE_URL",
        os.environ.get("BENCH_NOTIFICATIONS_DATABASE_URL", DEFAULT_DATABASE_URL),
    )
    db = common.bench_database_url()
    with (
        tempfile.TemporaryDirectory(prefix="bench-notifications-") as work,
        SmtpSink() as sink,
        RedisServer(log_path=Path(work) / "redis.log") as redis_server,
    ):
        work = Path(work)
        env = common.portal_env(
            database_url=db.url,
            redis_url=redis_server.url,
            static_root=work / "static",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.port),
            MEDIA_ROOT=str(work / "media"),
        )
        env = {k: v for k, v in env.items() if k != "EMAIL_BACKEND"}
        common.recreate_database(db)
        common.manage("migrate", "--noinput", env=env)
        common.setup_django(env)
        message_ids = write_messages(args.messages)
        publish_seconds = publish(message_ids)
        common.log(f"{len(message_ids)} messages queued in {publish_seconds:.2f} s")
        from django.db import connections

        connections.close_all()

        pool = "solo" if args.concurrency == 1 else "prefork"
        worker = CeleryWorker(
            env=env, log_path=work / "worker.log", pool=pool, concurrency=args.concurrency
        )
        calibration_before = common.cpu_calibration_ms()
        load_before = os.getloadavg()
        try:
            with worker:
                started = time.monotonic()
                deadline = started + args.timeout
                while sink.count < len(message_ids) and time.monotonic() < deadline:
                    time.sleep(0.2)
                drained = time.monotonic() - started
                time.sleep(1)  # anything sent twice would arrive now
        except BaseException:
            common.log(f"worker log (last lines):\n{worker.log_tail()}")
            raise
        load_after = os.getloadavg()

        from django.db.models import Count

        from notifications.models import Message

        states = dict(Message.objects.values_list("state").annotate(n=Count("pk")))
        received = sink.count
        unique = len(set(sink.message_ids()))
        if received != len(message_ids) or unique != received:
            raise common.BenchError(
                f"{received} messages received ({unique} distinct) for {len(message_ids)} sent; "
                f"states {states}"
            )
        first, last = sink.accepted_at[0], sink.accepted_at[-1]
        rate = (received - 1) / (last - first)
        machine = common.machine_info(db=db, redis_url=redis_server.url)

    payload = common.result_payload(
        "notifications",
        issue=5,
        stamp=stamp,
        args=args,
        machine=machine,
        worker=" ".join(["celery", *worker.command[1:]]),
        loadavg_before=load_before,
        loadavg_after=load_after,
        cpu_calibration_ms=[calibration_before, common.cpu_calibration_ms()],
        messages=received,
        states=states,
        publish_per_second=round(len(message_ids) / publish_seconds, 1),
        worker_start_to_last_seconds=round(drained, 2),
        messages_per_second=round(rate, 1),
        target=args.target,
        target_met=rate >= args.target,
    )
    common.report(
        payload,
        summary=[
            f"{received} messages, each sent once: {rate:.0f} messages/s into the SMTP sink "
            f"(target ≥ {args.target:.0f}: {'met' if payload['target_met'] else 'NOT met'}); "
            f"publishing {payload['publish_per_second']:.0f} tasks/s"
        ],
    )
    return 0 if payload["target_met"] else 1


if __name__ == "__main__":
    common.run(main)
