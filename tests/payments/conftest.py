import datetime

import pytest

from payments import services, vnpay
from tests.factories import AgencyFactory

SECRET = "TESTSECRETKEY0123456789ABCDEFGH"
TMN_CODE = "TESTTMN1"
GATEWAY_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
RETURN_URL = "https://dichvucong.test/thanh-toan/vnpay/ket-qua/"


@pytest.fixture(autouse=True)
def _gateway(settings):
    """A real gateway's configuration (VNPay's sandbox address, never called): no sandbox."""
    settings.VNPAY_TMN_CODE = TMN_CODE
    settings.VNPAY_HASH_SECRET = SECRET
    settings.VNPAY_PAYMENT_URL = GATEWAY_URL
    settings.VNPAY_API_URL = ""
    settings.VNPAY_EXPIRE_MINUTES = 15
    settings.VNPAY_RECONCILE_AFTER_MINUTES = 5


@pytest.fixture
def sandbox(settings):
    """The built-in sandbox gateway stands in for VNPay (DEBUG, no payment URL)."""
    settings.DEBUG = True
    settings.VNPAY_PAYMENT_URL = ""
    return settings


@pytest.fixture
def agency(db):
    return AgencyFactory()


def make_order(agency=None, *, amount=15000, fee_key="submission", subject_id=7, now=None):
    return services.payment_create(
        subject_type="dossiers.dossier",
        subject_id=subject_id,
        reference=f"000.26.H26-261208-{subject_id:04d}",
        fee_key=fee_key,
        amount=amount,
        description="Lệ phí cấp bản sao trích lục hộ tịch",
        agency_id=agency.pk if agency else None,
        return_to="/tra-cuu/",
        now=now,
    )


def gateway_answer(order, *, response="00", status="00", amount=None, secret=SECRET) -> dict:
    """The vnp_* fields VNPay sends to the IPN and the return URL, signed with `secret`."""
    fields = {
        "vnp_Amount": str((order.amount if amount is None else amount) * 100),
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": "VNP14226112",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": f"Thanh toan {order.reference} {order.txn_ref}",
        "vnp_PayDate": "20261208103512",
        "vnp_ResponseCode": response,
        "vnp_TmnCode": TMN_CODE,
        "vnp_TransactionNo": "14226112",
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": order.txn_ref,
    }
    fields["vnp_SecureHash"] = vnpay.hmac_sha512(secret, vnpay.query_text(fields))
    return fields


NOW = datetime.datetime(2026, 12, 8, 3, 30, tzinfo=datetime.UTC)  # 10:30 in Hà Nội
