"""Benchmark (issue 18): VNPay's IPN, `GET /thanh-toan/vnpay/ipn/`, in the gateway's bursts.

    flock /tmp/bench.lock .venv/bin/python bench/payments.py [--orders 2000] [--pending 200]

A PostgreSQL database of its own (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/portal_bench_payments, dropped and created again) with
`--orders` payment orders, all but `--pending` of them already paid; gunicorn as docker-compose's
`web` service runs it (DEBUG=0, a real gateway's configuration: no sandbox). wrk cycles through
one signed IPN per order (bench/replay.lua): the pending orders' first IPN confirms them ("00"),
every other request is a repeat the gateway retries ("02"). The run fails unless every answer is
HTTP 200 with RspCode 00 or 02, each pending order was confirmed exactly once (its events in the
database) and no paid order changed. Target: at least 500 requests per second.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_payments"
TARGET = 500.0
SECRET = "BENCHSECRET0123456789ABCDEFGHIJ"  # noqa: S105 (the benchmark's own gateway)
TMN_CODE = "BENCHTMN"
RSP_PATTERN = '"RspCode": "(%d%d)"'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000, help="payment orders")
    parser.add_argument("--pending", type=int, default=200, help="of which not yet confirmed")
    parser.add_argument("--duration", type=float, default=20, help="seconds of load")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--target", type=float, default=TARGET, help="requests per second")
    return parser.parse_args(argv)


def write_orders(count: int, pending: int) -> list:
    """Write `count` orders of 15.000 đồng, the first `pending` of them pending, the rest paid."""
    from django.utils import timezone

    from payments.constants import PaymentState
    from payments.models import PaymentOrder

    now = timezone.now()
    PaymentOrder.objects.bulk_create(
        PaymentOrder(
            txn_ref=f"BENCH{index:08d}",
            subject_type="dossiers.dossier",
            subject_id=index + 1,
            reference=f"000.26.H26-261208-{index + 1:04d}",
            fee_key="submission",
            description="Lệ phí cấp bản sao trích lục hộ tịch",
            amount=15000,
            state=PaymentState.PENDING if index < pending else PaymentState.PAID,
            created_at=now,
            expires_at=now + datetime.timedelta(minutes=15),
            paid_at=None if index < pending else now,
        )
        for index in range(count)
    )
    return list(PaymentOrder.objects.order_by("pk"))


def write_requests(orders, path: Path) -> None:
    """One signed IPN per order (as VNPay sends it), in bench/replay.lua's format."""
    from payments import vnpay

    lines = []
    for order in orders:
        fields = {
            "vnp_Amount": str(order.amount * 100),
            "vnp_BankCode": "NCB",
            "vnp_BankTranNo": f"VNP{order.pk:08d}",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": f"Thanh toan {order.reference} {order.txn_ref}",
            "vnp_PayDate": "20261208103512",
            "vnp_ResponseCode": "00",
            "vnp_TmnCode": TMN_CODE,
            "vnp_TransactionNo": str(14000000 + order.pk),
            "vnp_TransactionStatus": "00",
            "vnp_TxnRef": order.txn_ref,
        }
        lines.append(f"GET\t/thanh-toan/vnpay/ipn/?{vnpay.sign_query(fields, SECRET)}\t\t")
    path.write_text("\n".join(lines) + "\n")


def check_database(pending: int) -> dict:
    """Each pending order confirmed once, nothing else changed; return the events' answers."""
    from django.db.models import Count, F

    from payments.constants import PaymentState
    from payments.models import PaymentEvent, PaymentOrder

    answers = dict(
        PaymentEvent.objects.values_list("rsp_code").annotate(n=Count("pk")).order_by("rsp_code")
    )
    changes = PaymentEvent.objects.exclude(from_state=F("to_state"))
    confirmed_twice = (
        changes.values("order").annotate(n=Count("pk")).filter(n__gt=1).values("order")
    )
    states = dict(PaymentOrder.objects.values_list("state").annotate(n=Count("pk")))
    problems = []
    if changes.count() != pending or answers.get("00", 0) != pending:
        problems.append(f"{changes.count()} state changes, {answers.get('00', 0)} '00' answers")
    if confirmed_twice.exists():
        problems.append("an order confirmed twice")
    if set(answers) - {"00", "02"}:
        problems.append(f"unexpected answers {answers}")
    if states != {PaymentState.PAID: PaymentOrder.objects.count()}:
        problems.append(f"states {states}")
    if problems:
        raise common.BenchError("; ".join(problems))
    return {"events_by_rsp_code": answers, "states": states}


def main(argv=None) -> int:
    args = parse_args(argv)
    common.install_signal_handlers()
    stamp = common.timestamp()
    os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    db = common.bench_database_url(DEFAULT_DATABASE_URL)
    with tempfile.TemporaryDirectory(prefix="bench-payments-") as work:
        work = Path(work)
        env = common.portal_env(
            database_url=db.url,
            static_root=work / "static",
            MEDIA_ROOT=str(work / "media"),
            VNPAY_TMN_CODE=TMN_CODE,
            VNPAY_HASH_SECRET=SECRET,
            VNPAY_PAYMENT_URL="https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
        )
        common.recreate_database(db)
        common.manage("migrate", "--noinput", env=env)
        common.collectstatic(env)
        common.setup_django(env)
        orders = write_orders(args.orders, args.pending)
        requests_file = work / "ipn.tsv"
        write_requests(orders, requests_file)
        from django.db import connections

        connections.close_all()
        machine = common.machine_info(db=db)
        with common.GunicornServer(env, log_path=work / "gunicorn.log") as server:
            load_before = os.getloadavg()
            baseline = common.run_wrk(
                server.url("/healthz"), duration=10, connections=args.connections
            )
            threads = 2
            result = common.run_wrk(
                server.url("/thanh-toan/vnpay/ipn/"),
                duration=args.duration,
                connections=args.connections,
                threads=threads,
                script=common.REPLAY_SCRIPT,
                script_args=[requests_file, threads, "cycle", "-", RSP_PATTERN],
            )
            load_after = os.getloadavg()
            server_record = server.record()
        kinds = {
            kind: int(n) for kind, n in re.findall(r"^status (\S+) (\d+)$", result.output, re.M)
        }
        wrong = {kind: n for kind, n in kinds.items() if kind not in ("200-00", "200-02")}
        database = check_database(args.pending)
    rps = result.requests_per_sec
    met = rps >= args.target and not wrong and not result.errors
    payload = common.result_payload(
        "payments",
        issue=18,
        stamp=stamp,
        args=args,
        machine=machine,
        server=server_record,
        loadavg_before=load_before,
        loadavg_after=load_after,
        healthz_requests_per_sec=baseline.requests_per_sec,
        ipn_requests_per_sec=rps,
        ipn_latency_ms={"p50": result.p50_ms, "p90": result.p90_ms, "p99": result.p99_ms},
        ipn_requests=result.requests,
        answers=kinds,
        wrong_answers=wrong,
        socket_errors=result.socket_errors,
        database=database,
        target=args.target,
        target_met=met,
    )
    common.report(
        payload,
        summary=[
            f"IPN: {rps:.0f} requests/s (healthz {baseline.requests_per_sec:.0f}/s), "
            f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms; answers {kinds}; "
            f"target ≥ {args.target:.0f}/s with correct answers: {'met' if met else 'NOT met'}",
            f"database: {database}",
        ],
    )
    return 0 if met else 1


if __name__ == "__main__":
    common.run(main)
