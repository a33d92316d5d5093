from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierStatus(models.IntegerChoices):
    """The national status codes used in sync with the national portal (domain.md §4)."""

    NEW = 1, _("Mới đăng ký")
    ACCEPTED = 2, _("Được tiếp nhận")
    REFUSED = 3, _("Không được tiếp nhận")
    PROCESSING = 4, _("Đang xử lý")
    SUPPLEMENT_REQUESTED = 5, _("Yêu cầu bổ sung giấy tờ")
    FEE_REQUESTED = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    RESOLVED = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


class Channel(models.IntegerChoices):
    """How the dossier reached the agency (KenhThucHien)."""

    IN_PERSON = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POST = 3, _("Bưu chính")


class EventAction(models.TextChoices):
    """What happened to a dossier; the officer actions of real one-stop systems."""

    SUBMIT = "submit", _("Nộp hồ sơ trực tuyến")
    ACCEPT = "accept", _("Tiếp nhận")
    REFUSE = "refuse", _("Từ chối tiếp nhận")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung")
    SUPPLEMENT = "supplement", _("Bổ sung hồ sơ")
    FORWARD = "forward", _("Chuyển xử lý")
    FORWARD_AGENCY = "forward_agency", _("Chuyển liên thông")
    RETURN_PREVIOUS = "return_previous", _("Trả lại bước trước")
    REQUEST_FEE = "request_fee", _("Yêu cầu thu phí")
    CONFIRM_FEE = "confirm_fee", _("Xác nhận đã nộp phí")
    STOP = "stop", _("Dừng xử lý")
    RESOLVE = "resolve", _("Có kết quả")
    RETURN_RESULT = "return_result", _("Trả kết quả")
    RESET_DEADLINE = "reset_deadline", _("Đặt lại hạn xử lý")
    APOLOGIZE = "apologize", _("Xin lỗi, hẹn lại ngày trả")
    WITHDRAW = "withdraw", _("Công dân rút hồ sơ")
    ASSIGN = "assign", _("Phân công")
    PROPOSE = "propose", _("Trình lãnh đạo")
    APPROVE = "approve", _("Phê duyệt")
    SEND_BACK = "send_back", _("Trả lại chuyên viên")
    RECALL = "recall", _("Thu hồi")
    END = "end", _("Kết thúc")
    POSTAL_OUTCOME = "postal_outcome", _("Ghi nhận kết quả phát bưu chính")
    ISSUE_RESULT = "issue_result", _("Phát hành kết quả điện tử")
    REVOKE_RESULT = "revoke_result", _("Thu hồi kết quả")


class PostalState(models.TextChoices):
    """What became of a result sent by the public postal service (Bưu chính công ích)."""

    SENT = "sent", _("Đã giao cho bưu chính")
    DELIVERED = "delivered", _("Đã phát thành công")
    # Not delivered: the post brought the result back to the agency (chuyển hoàn).
    RETURNED = "returned", _("Bưu chính chuyển hoàn")


class ProposalOutcome(models.TextChoices):
    """How a proposal to the leader (tờ trình) was closed."""

    APPROVED = "approved", _("Đã phê duyệt")
    SENT_BACK = "sent_back", _("Trả lại chuyên viên")
    RECALLED = "recalled", _("Người trình đã thu hồi")
    # The dossier was stopped or withdrawn while the proposal awaited the leader.
    CLOSED = "closed", _("Hồ sơ đã dừng hoặc bị rút")


# Statuses in which the clock runs and a dossier can be late.
CLOCK_RUNNING = frozenset(
    {DossierStatus.ACCEPTED, DossierStatus.PROCESSING, DossierStatus.FEE_REQUESTED}
)
# Statuses after which nothing more happens.
FINAL = frozenset(
    {DossierStatus.REFUSED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED, DossierStatus.RETURNED}
)
# Statuses of a dossier still in progress, in order (a partial index names them: keep as is).
UNFINISHED = sorted(set(DossierStatus.values) - set(FINAL))


class WizardStep(models.TextChoices):
    AGENCY = "co-quan", _("Nơi nộp")
    DECLARATION = "to-khai", _("Tờ khai")
    ATTACHMENTS = "giay-to", _("Giấy tờ đính kèm")
    CONTACT = "lien-he", _("Thông tin liên hệ")
    REVIEW = "xem-lai", _("Xem lại và gửi")
