from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers.constants import DossierStatus as S


class Satisfaction(models.IntegerChoices):
    VERY_SATISFIED = 3, _("Rất hài lòng")
    SATISFIED = 2, _("Hài lòng")
    DISSATISFIED = 1, _("Không hài lòng")


# What each status means, in words a citizen reads on the lookup page.
STATUS_MEANINGS = {
    S.NEW: _("Hồ sơ đã nộp trực tuyến, đang chờ cán bộ một cửa kiểm tra và tiếp nhận."),
    S.ACCEPTED: _("Hồ sơ đã được tiếp nhận; thời hạn giải quyết bắt đầu tính."),
    S.REFUSED: _("Hồ sơ không được tiếp nhận; lý do ghi trong phiếu từ chối đã gửi cho bạn."),
    S.PROCESSING: _("Hồ sơ đang được phòng chuyên môn thẩm định, xử lý."),
    S.SUPPLEMENT_REQUESTED: _(
        "Cơ quan yêu cầu bổ sung giấy tờ; thời hạn tạm dừng cho đến khi bạn bổ sung."
    ),
    S.FEE_REQUESTED: _("Hồ sơ chờ bạn nộp phí, lệ phí để tiếp tục giải quyết."),
    S.WITHDRAWN: _("Bạn đã rút hồ sơ; cơ quan dừng giải quyết."),
    S.STOPPED: _("Cơ quan đã dừng xử lý hồ sơ."),
    S.RESOLVED: _("Đã có kết quả; bạn có thể nhận kết quả theo cách đã chọn."),
    S.RETURNED: _("Đã trả kết quả cho bạn."),
}
