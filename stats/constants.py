"""What the statistics count, and the definition of each figure the page and the CSV state."""

from django.utils.translation import gettext_lazy as _

# Flows: what happened during a month. A period's flow is the sum of its months'.
FLOWS = (
    "received",
    "received_online",
    "refused",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "resolved_e_result",
    "returned",
    "returned_online",
    "ratings",
    "ratings_satisfied",
)
# Stocks: the state at a month's end (for the current month, when the figures were computed).
# A period's stock is that of its last month with figures: adding up month-end backlogs would
# count a dossier pending for three months three times.
STOCKS = ("pending_on_time", "pending_overdue", "pending_paused", "not_accepted")
COUNTERS = FLOWS + STOCKS

# The definitions, in the order the page lists them.
DEFINITIONS = {
    "received": _(
        "Hồ sơ tiếp nhận: hồ sơ được tiếp nhận trong kỳ (bộ phận một cửa tiếp nhận hồ sơ nộp "
        "trực tuyến, hoặc công dân nộp trực tiếp), tính theo thời điểm tiếp nhận; không gồm hồ "
        "sơ bị từ chối hay chưa được tiếp nhận."
    ),
    "refused": _("Từ chối tiếp nhận: hồ sơ bị từ chối tiếp nhận trong kỳ."),
    "not_accepted": _(
        "Chưa tiếp nhận: hồ sơ đã nộp trực tuyến mà đến cuối kỳ chưa được tiếp nhận, chưa bị "
        "từ chối và chưa rút (kể cả hồ sơ đang chờ bổ sung trước khi tiếp nhận)."
    ),
    "resolved": _(
        "Đã giải quyết: hồ sơ có kết quả trong kỳ (chuyển sang trạng thái “Đã xử lý xong”), dù "
        "đã trả kết quả cho công dân hay chưa."
    ),
    "timeliness": _(
        "Trước hạn, đúng hạn, quá hạn: so với hạn giải quyết theo quy định (chỉ lùi khi tạm "
        "dừng theo quy định), không so với ngày hẹn lại; hồ sơ đã phải xin lỗi (Mẫu 04) là quá "
        "hạn dù có kết quả trước hạn."
    ),
    "pending": _(
        "Đang giải quyết: hồ sơ đã tiếp nhận, chưa có kết quả và chưa kết thúc vào cuối kỳ "
        "(kỳ chưa kết thúc: lúc tính số liệu); trong hạn hay quá hạn so với hạn theo quy định "
        "lúc đó. Với cả năm, đây là số tồn cuối kỳ, không cộng dồn các tháng."
    ),
    "paused": _(
        "Tạm dừng, chờ công dân bổ sung / nộp phí: hồ sơ đang giải quyết mà thời hạn đang tạm "
        "dừng theo quy định; không tính là quá hạn."
    ),
}

# The indicators of the Bộ chỉ số (Quyết định 766/QĐ-TTg) the portal can compute: how each is
# computed, and its name.
INDICATORS = {
    "online_share": _("số hồ sơ tiếp nhận qua kênh trực tuyến / số hồ sơ tiếp nhận."),
    "on_time_rate": _(
        "số hồ sơ giải quyết trước hạn và đúng hạn / số hồ sơ đã giải quyết (hồ sơ đã phải xin "
        "lỗi là quá hạn)."
    ),
    "satisfaction_rate": _(
        "số lượt đánh giá “Rất hài lòng” hoặc “Hài lòng” / số lượt đánh giá trong kỳ."
    ),
    "e_result_rate": _("số hồ sơ đã giải quyết có tệp kết quả điện tử / số hồ sơ đã giải quyết."),
    "online_return_rate": _("số hồ sơ trả kết quả qua mạng / số hồ sơ đã trả kết quả trong kỳ."),
    "online_payment": _(
        "số hồ sơ thanh toán phí, lệ phí trực tuyến / số hồ sơ phải nộp phí, lệ phí."
    ),
}
INDICATOR_LABELS = {
    "online_share": _("Tỷ lệ hồ sơ trực tuyến"),
    "on_time_rate": _("Tỷ lệ giải quyết đúng hạn"),
    "satisfaction_rate": _("Mức độ hài lòng"),
    "e_result_rate": _("Tỷ lệ số hóa kết quả giải quyết"),
    "online_return_rate": _("Tỷ lệ trả kết quả trực tuyến"),
    "online_payment": _("Tỷ lệ thanh toán trực tuyến"),
}
NOT_AVAILABLE = {"online_payment": _("chưa có (thanh toán trực tuyến chưa triển khai)")}
