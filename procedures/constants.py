from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyTier(models.TextChoices):
    CENTRAL = "central", _("Trung ương")
    PROVINCE = "province", _("Tỉnh, thành phố")
    DISTRICT = "district", _("Quận, huyện, thị xã (trước 01/7/2025)")
    COMMUNE = "commune", _("Xã, phường, đặc khu")
    DEPARTMENT = "department", _("Phòng, ban, bộ phận")


class ServiceLevel(models.IntegerChoices):
    INFORMATION = 1, _("Mức độ 1")
    FORMS = 2, _("Mức độ 2")
    PARTIAL = 3, _("Mức độ 3")
    FULL = 4, _("Mức độ 4")


# Names given by Nghị định 42/2022/NĐ-CP, shown beside the old level number.
SERVICE_LEVEL_2022_NAMES = {
    1: _("Cung cấp thông tin trực tuyến"),
    2: _("Cung cấp thông tin trực tuyến"),
    3: _("Dịch vụ công trực tuyến một phần"),
    4: _("Dịch vụ công trực tuyến toàn trình"),
}


class ProcessingTimeKind(models.TextChoices):
    SAME_DAY = "same_day", _("Trong ngày")
    WORKING_DAYS = "working_days", _("Ngày làm việc")


class DeadlineUnit(models.TextChoices):
    """How a multi-day deadline is counted (Bộ luật Dân sự 2015, Điều 147–148: a period in days
    starts the day after the event and ends at the end of its last day)."""

    DAYS = "days", _("Ngày làm việc, tính đến hết giờ làm việc của ngày cuối")
    HOURS = "hours", _("Giờ làm việc, tính từ thời điểm tiếp nhận")


class CopyType(models.TextChoices):
    ORIGINAL = "original", _("Bản chính")
    CERTIFIED = "certified", _("Bản sao chứng thực")
    PHOTOCOPY = "photocopy", _("Bản sao (photocopy)")
    ORIGINAL_OR_CERTIFIED = "original_or_certified", _("Bản chính hoặc bản sao chứng thực")


class FeeKind(models.TextChoices):
    FREE = "free", _("Miễn phí")
    FIXED = "fixed", _("Mức cố định")
    PER_COPY = "per_copy", _("Theo bản sao")
    PER_PAGE = "per_page", _("Theo trang")


class FieldType(models.TextChoices):
    TEXT = "text", _("Văn bản ngắn")
    TEXTAREA = "textarea", _("Văn bản dài")
    DATE = "date", _("Ngày")
    NUMBER = "number", _("Số")
    EMAIL = "email", _("Thư điện tử")
    PHONE = "phone", _("Số điện thoại")
    CHOICE = "choice", _("Lựa chọn")
    BOOLEAN = "boolean", _("Có / Không")
    CITIZEN_ID = "citizen_id", _("Số định danh cá nhân (12 số)")


class ApplicantRole(models.TextChoices):
    """Which declaration fields are the applicant's own (người yêu cầu): the dossier's owner is
    read from these, never guessed (the first ID on a birth declaration is the mother's)."""

    NAME = "name", _("Họ tên người nộp hồ sơ")
    ID_TYPE = "id_type", _("Loại giấy tờ tùy thân của người nộp")
    ID_NUMBER = "id_number", _("Số giấy tờ tùy thân của người nộp")
    ADDRESS = "address", _("Địa chỉ của người nộp")
    PHONE = "phone", _("Số điện thoại của người nộp")
    EMAIL = "email", _("Thư điện tử của người nộp")


class ResultDelivery(models.TextChoices):
    IN_PERSON = "in_person", _("Nhận trực tiếp")
    ONLINE = "online", _("Nhận trực tuyến")
    POST = "post", _("Qua dịch vụ bưu chính công ích")
