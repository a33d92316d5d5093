"""The protocol's pure functions against vectors built by hand here, with hmac and hashlib."""

import datetime
import hashlib
import hmac

from payments import vnpay

SECRET = "VNPAYTESTSECRET0123456789ABCDEF"
CREATED = datetime.datetime(2026, 12, 8, 3, 30, tzinfo=datetime.UTC)  # 10:30:00 GMT+7


def test_the_redirect_url_is_signed_over_the_sorted_quote_plus_encoded_fields():
    params = vnpay.payment_params(
        tmn_code="2QXUI4J4",
        amount=15000,
        txn_ref="2612081030001A2B3C",
        order_info="Thanh toán lệ phí hồ sơ H26.01-261208-0001",
        return_url="https://dichvucong.example.gov.vn/thanh-toan/vnpay/ket-qua/",
        ip_addr="203.0.113.5",
        created_at=CREATED,
        expires_at=CREATED + datetime.timedelta(minutes=15),
    )
    text = (
        "vnp_Amount=1500000&vnp_Command=pay&vnp_CreateDate=20261208103000&vnp_CurrCode=VND"
        "&vnp_ExpireDate=20261208104500&vnp_IpAddr=203.0.113.5&vnp_Locale=vn"
        "&vnp_OrderInfo=Thanh+toan+le+phi+ho+so+H26.01-261208-0001&vnp_OrderType=other"
        "&vnp_ReturnUrl=https%3A%2F%2Fdichvucong.example.gov.vn%2Fthanh-toan%2Fvnpay%2Fket-qua%2F"
        "&vnp_TmnCode=2QXUI4J4&vnp_TxnRef=2612081030001A2B3C&vnp_Version=2.1.0"
    )
    signature = hmac.new(SECRET.encode(), text.encode(), hashlib.sha512).hexdigest()
    url = vnpay.payment_url("https://sandbox.vnpayment.vn/paymentv2/vpcpay.html", params, SECRET)
    assert url == (
        f"https://sandbox.vnpayment.vn/paymentv2/vpcpay.html?{text}&vnp_SecureHash={signature}"
    )
    assert len(signature) == 128


def test_a_returned_query_verifies_without_its_hash_fields_and_fails_when_tampered():
    fields = {
        "vnp_Amount": "1500000",
        "vnp_BankCode": "NCB",
        "vnp_OrderInfo": "Thanh toan H26 2612081030001A2B3C",
        "vnp_ResponseCode": "00",
        "vnp_TmnCode": "2QXUI4J4",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": "2612081030001A2B3C",
    }
    text = (
        "vnp_Amount=1500000&vnp_BankCode=NCB&vnp_OrderInfo=Thanh+toan+H26+2612081030001A2B3C"
        "&vnp_ResponseCode=00&vnp_TmnCode=2QXUI4J4&vnp_TransactionStatus=00"
        "&vnp_TxnRef=2612081030001A2B3C"
    )
    signature = hmac.new(SECRET.encode(), text.encode(), hashlib.sha512).hexdigest()
    received = {**fields, "vnp_SecureHash": signature.upper(), "vnp_SecureHashType": "HmacSHA512"}
    assert vnpay.verify_query(received, SECRET) is True
    assert vnpay.verify_query({**received, "vnp_Amount": "150000000"}, SECRET) is False
    assert vnpay.verify_query({**received, "vnp_ResponseCode": "24"}, SECRET) is False
    assert vnpay.verify_query(received, "another secret") is False
    assert vnpay.verify_query(fields, SECRET) is False  # no hash at all


def test_the_querydr_body_is_signed_over_its_fields_joined_by_pipes():
    body = vnpay.querydr_request(
        request_id="REQ0001",
        tmn_code="2QXUI4J4",
        txn_ref="2612081030001A2B3C",
        transaction_date="20261208103000",
        created_at=CREATED + datetime.timedelta(minutes=6),
        ip_addr="127.0.0.1",
        secret=SECRET,
    )
    text = (
        "REQ0001|2.1.0|querydr|2QXUI4J4|2612081030001A2B3C|20261208103000|20261208103600"
        "|127.0.0.1|Tra cuu giao dich 2612081030001A2B3C"
    )
    assert body["vnp_SecureHash"] == hmac.new(SECRET.encode(), text.encode(), "sha512").hexdigest()
    assert body["vnp_Command"] == "querydr" and body["vnp_Version"] == "2.1.0"
    assert vnpay.api_verify(body, vnpay.QUERYDR_REQUEST_FIELDS, SECRET) is True
    assert vnpay.api_verify({**body, "vnp_TxnRef": "X"}, vnpay.QUERYDR_REQUEST_FIELDS, SECRET) is (
        False
    )


def test_dates_are_written_in_gmt7_and_order_info_without_diacritics():
    assert vnpay.gmt7(datetime.datetime(2026, 12, 31, 17, 0, 5, tzinfo=datetime.UTC)) == (
        "20270101000005"
    )
    assert vnpay.parse_gmt7("20270101000005") == datetime.datetime(
        2026, 12, 31, 17, 0, 5, tzinfo=datetime.UTC
    )
    assert vnpay.parse_gmt7("2027-01-01") is None
    assert vnpay.ascii_text("Đăng ký khai sinh, Ủy ban phường Hoàn Kiếm") == (
        "Dang ky khai sinh, Uy ban phuong Hoan Kiem"
    )


def test_paid_only_when_both_codes_are_00():
    assert vnpay.is_paid({"vnp_ResponseCode": "00", "vnp_TransactionStatus": "00"}) is True
    assert vnpay.is_paid({"vnp_ResponseCode": "00", "vnp_TransactionStatus": "02"}) is False
    assert vnpay.is_paid({"vnp_ResponseCode": "24", "vnp_TransactionStatus": "00"}) is False
    assert vnpay.is_paid({}) is False
