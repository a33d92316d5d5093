"""A small history, October to December 2026, whose figures are computed by hand below.

The clock stands at NOW, Thursday 10/12/2026 09:00 (Hà Nội time). Each dossier is built in its
state by DossierFactory; the steps that cross a month's end (an acceptance, a supplement, a
result given later) are appended by `step`, as the services would write them.

Long Biên (Hà Nội)
  A1 online, accepted 02/11 09:10, result 09:40, due 04/11 17:00: early; returned online.
  A2 walk-in, accepted 05/11 15:00, result 15:40, due 05/11 17:00: on time; returned in person.
  A3 online, accepted 10/11 14:10, apology 14:15, result 14:40, due 10/11 17:00: late (the
     apology), although before the legal due time; no electronic result file; not returned.
  A4 online, accepted 13/11 16:40, result 17:10, due 13/11 17:00: late by ten minutes;
     returned by post.
  A5 online, accepted 20/11, due 25/11 17:00, in progress: overdue at the end of November.
  A6 online, submitted 28/11, accepted 01/12 09:00, due 15/12: not accepted at the end of
     November; accepted in December, within time now.
  A7 online, submitted 15/11, refused 15/11 09:10.
  A8 online, accepted 16/11, due 18/11, supplement asked 16/11 09:30 and given 02/12 09:00
     (due moved to 20/12): paused at the end of November, within time now.
  A9 online, accepted 23/11, due 24/11, fee asked 23/11 09:30 (the procedure stops the clock),
     still unpaid: paused at the end of November and now.
Hà Đông (Hà Nội)
  B1 online, accepted 26/11, due 03/12 17:00, in progress: within time at the end of November,
     overdue now.
  B2 online, accepted 27/11, due 02/12 17:00, result 01/12 10:00: in progress within time at
     the end of November; resolved early in December (electronic result file).
  B3 online, submitted 29/11, withdrawn at once: counted nowhere.
  B4 by post, accepted 24/11, due 27/11, fee asked 24/11 09:30 at a procedure whose fee does
     not stop the clock: overdue at the end of November and now.
  B5 online, submitted 30/11 10:00, supplement asked at intake 10:10 (no clock yet): not
     accepted at the end of November and now.
Bắc Hồng Lĩnh (Hà Tĩnh)
  C1 online, accepted 30/10, due 03/11 17:00, result 03/11 10:00: in progress within time at the
     end of October; resolved on time in November, returned online.
Ratings: A1 very satisfied, A4 dissatisfied, C1 satisfied (25/11); A2 satisfied (05/12).
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dossiers.constants import Channel
from dossiers.constants import DossierStatus as S
from dossiers.constants import EventAction as A
from dossiers.models import DossierEvent
from procedures.constants import ResultDelivery
from stats import services
from tests.dossiers.factories import DossierFactory
from tests.factories import ProcedureFactory
from tracking.models import Rating

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 12, 10, 9, 0, tzinfo=HCM)
OCTOBER, NOVEMBER, DECEMBER = (datetime.date(2026, m, 1) for m in (10, 11, 12))


def at(day: int, hour: int = 9, minute: int = 0, *, month: int = 11) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=HCM)


def step(dossier, action: str, when: datetime.datetime, *, to_status=None, **fields):
    """Append a step to the dossier's history and save what it changes, as a service would."""
    from_status = dossier.status
    for name, value in fields.items():
        setattr(dossier, name, value)
    if to_status is not None:
        dossier.status = to_status
    dossier.save()
    DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        actor_name="Cán bộ",
        due_at=dossier.due_at,
        appointment_at=dossier.appointment_at,
        created_at=when,
    )
    return dossier


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def history(catalogue, clock):
    """The dossiers above, by name."""
    lb, hd, bhl = catalogue["long_bien"], catalogue["ha_dong"], catalogue["bac_hong_linh"]
    ks, ct = catalogue["khai_sinh"], catalogue["chung_thuc"]
    unpaused = ProcedureFactory(
        code="2.000908",
        name="Chứng thực chữ ký trong giấy tờ, văn bản",
        fee_pauses_clock=False,
        receiving_agencies=[hd],
    )

    def make(state, agency, procedure, submitted, **fields):
        return DossierFactory(
            **{state: True},
            receiving_agency=agency,
            procedure=procedure,
            submitted_at=submitted,
            **fields,
        )

    online = {"returned_via": ResultDelivery.ONLINE}
    d = {
        "A1": make("returned", lb, ks, at(2), due_at=at(4, 17), **online),
        "A2": make(
            "returned",
            lb,
            ks,
            at(5, 15),
            received_at=at(5, 15),
            due_at=at(5, 17),
            channel=Channel.IN_PERSON,
            returned_via=ResultDelivery.IN_PERSON,
        ),
        "A3": make(
            "resolved",
            lb,
            ct,
            at(10, 14),
            due_at=at(10, 17),
            appointment_at=at(12, 17),
            apologized_at=at(10, 14, 15),
            result_file="",
        ),
        "A4": make(
            "returned", lb, ct, at(13, 16, 30), due_at=at(13, 17), returned_via=ResultDelivery.POST
        ),
        "A5": make("processing", lb, ct, at(20), due_at=at(25, 17)),
        "A6": make("submitted", lb, ks, at(28)),
        "A7": make("refused", lb, ks, at(15)),
        "A8": make("supplement_requested", lb, ks, at(16), due_at=at(18, 17)),
        "A9": make("fee_requested", lb, ks, at(23), due_at=at(24, 17)),
        "B1": make("processing", hd, ks, at(26), due_at=at(3, 17, month=12)),
        "B2": make("processing", hd, ks, at(27), due_at=at(2, 17, month=12)),
        "B3": make("withdrawn", hd, ks, at(29)),
        "B4": make("fee_requested", hd, unpaused, at(24), due_at=at(27, 17), channel=Channel.POST),
        "B5": make("submitted", hd, ks, at(30, 10)),
        "C1": make("processing", bhl, ks, at(30, month=10), due_at=at(3, 17)),
    }
    step(d["A3"], A.APOLOGIZE, at(10, 14, 15))
    step(
        d["A6"],
        A.ACCEPT,
        at(1, month=12),
        to_status=S.ACCEPTED,
        received_at=at(1, month=12),
        due_at=at(15, 17, month=12),
        appointment_at=at(15, 17, month=12),
    )
    step(
        d["A8"],
        A.SUPPLEMENT,
        at(2, month=12),
        to_status=S.PROCESSING,
        paused_at=None,
        due_at=at(20, 17, month=12),
        appointment_at=at(20, 17, month=12),
    )
    step(
        d["B2"],
        A.APPROVE,
        at(1, 10, month=12),
        to_status=S.RESOLVED,
        resolved_at=at(1, 10, month=12),
        result_file="results/ket-qua.pdf",
    )
    step(d["B5"], A.REQUEST_SUPPLEMENT, at(30, 10, 10), to_status=S.SUPPLEMENT_REQUESTED)
    step(
        d["C1"],
        A.APPROVE,
        at(3, 10),
        to_status=S.RESOLVED,
        resolved_at=at(3, 10),
        result_file="results/ket-qua.pdf",
    )
    step(
        d["C1"],
        A.RETURN_RESULT,
        at(3, 10, 30),
        to_status=S.RETURNED,
        returned_at=at(3, 10, 30),
        **online,
    )
    for name, score, when in [
        ("A1", 3, at(25)),
        ("A4", 1, at(25)),
        ("C1", 2, at(25)),
        ("A2", 2, at(5, month=12)),
    ]:
        Rating.objects.filter(pk=Rating.objects.create(dossier=d[name], score=score).pk).update(
            created_at=when
        )
    return d


@pytest.fixture
def computed(history):
    """The figures of October, November and December, computed now."""
    for month in (OCTOBER, NOVEMBER, DECEMBER):
        services.stats_refresh_month(month=month, now=NOW)
    return history
