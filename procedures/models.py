import datetime

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from procedures.constants import (
    SERVICE_LEVEL_2022_NAMES,
    AgencyTier,
    ApplicantRole,
    CopyType,
    DeadlineUnit,
    FeeKind,
    FieldType,
    ProcessingTimeKind,
    ResultDelivery,
    ServiceLevel,
)
from procedures.hours import format_sessions, parse_sessions, validate_sessions
from procedures.text import fold

agency_code_validator = RegexValidator(
    r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$",
    _("Mã cơ quan theo QCVN 102:2016/BTTTT có dạng 000.00.12.H26."),
    code="agency_code",
)
procedure_code_validator = RegexValidator(
    r"^\d\.\d{6}$", _("Mã thủ tục quốc gia có dạng 1.001193."), code="procedure_code"
)


# The words of an agency's name that are not its place name (longest first).
PLACE_PREFIXES = ("Thành phố ", "Đặc khu ", "Thị xã ", "Phường ", "Huyện ", "Quận ", "Tỉnh ", "Xã ")


class Agency(models.Model):
    """A public body in a tree of any depth: province, ward, legacy district, department."""

    code = models.CharField(
        _("mã cơ quan"), max_length=13, unique=True, validators=[agency_code_validator]
    )
    name = models.CharField(_("tên cơ quan"), max_length=255)
    tier = models.CharField(_("cấp"), max_length=20, choices=AgencyTier.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Derived from `parent` on save: the chain of codes from the root, and the enclosing province.
    path = models.CharField(max_length=255, editable=False, db_index=True)
    province = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    # Office hours: they set the deadlines (calendars.workdays) and the hours citizens read.
    weekday_sessions = models.CharField(
        _("giờ làm việc thứ Hai – thứ Sáu"),
        max_length=100,
        default="07:00-11:30, 13:30-17:00",
        validators=[validate_sessions],
        help_text=_("Các buổi làm việc, ví dụ: 08:00-12:00, 13:00-17:00."),
    )
    saturday_sessions = models.CharField(
        _("giờ tiếp nhận sáng thứ Bảy"),
        max_length=100,
        blank=True,
        validators=[validate_sessions],
        help_text=_("Để trống nếu không làm việc thứ Bảy, ví dụ: 08:00-12:00."),
    )
    saturday_fields = models.ManyToManyField(
        "Field",
        verbose_name=_("lĩnh vực tiếp nhận thứ Bảy"),
        blank=True,
        related_name="+",
        help_text=_("Để trống: mọi lĩnh vực."),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    # How the agency's one-stop slips name it (Mẫu 01–05): the governing body over the desk, and
    # the place before the date. Blank: derived from the name (see the properties below).
    slip_authority = models.CharField(
        _("cơ quan chủ quản trên phiếu"),
        max_length=255,
        blank=True,
        help_text=_("Dòng trên của tiêu đề phiếu, ví dụ: UBND phường Long Biên."),
    )
    slip_unit = models.CharField(
        _("đơn vị tiếp nhận trên phiếu"),
        max_length=255,
        blank=True,
        help_text=_(
            "Dòng dưới của tiêu đề phiếu, ví dụ: Bộ phận tiếp nhận và trả kết quả, hoặc tên "
            "Trung tâm Phục vụ hành chính công."
        ),
    )
    place_name = models.CharField(
        _("địa danh"),
        max_length=100,
        blank=True,
        help_text=_("Ghi trước ngày tháng trên phiếu, ví dụ: Long Biên."),
    )

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "") + self.code + "/"
        if self.tier == AgencyTier.PROVINCE:
            self.province = self if self.pk else None
        else:
            self.province_id = self.parent.province_id if self.parent_id else None
        super().save(*args, **kwargs)
        if self.tier == AgencyTier.PROVINCE and self.province_id != self.pk:
            self.province = self
            super().save(update_fields=["province"])

    @property
    def slip_heading(self) -> tuple[str, str]:
        """The two lines that name the issuer at the top of a slip."""
        authority = self.slip_authority or _("UBND %(name)s") % {"name": self.name}
        return authority, self.slip_unit or str(_("Bộ phận tiếp nhận và trả kết quả"))

    @property
    def opening_hours(self) -> str:
        """The office hours as citizens read them, on pages, emails and slips."""
        text = _("Thứ Hai đến thứ Sáu: %(hours)s") % {
            "hours": format_sessions(parse_sessions(self.weekday_sessions))
        }
        if self.saturday_sessions:
            text += "; " + _("sáng thứ Bảy: %(hours)s") % {
                "hours": format_sessions(parse_sessions(self.saturday_sessions))
            }
            # Only the rows already loaded (prefetched): the footer must not query per page.
            cache = getattr(self, "_prefetched_objects_cache", {})
            if self.pk and "saturday_fields" in cache and cache["saturday_fields"]:
                names = ", ".join(field.name.lower() for field in cache["saturday_fields"])
                text += " " + _("(lĩnh vực %(fields)s)") % {"fields": names}
        return text

    @property
    def place(self) -> str:
        """The place name before a slip's date: "Long Biên" for Phường Long Biên."""
        if self.place_name:
            return self.place_name
        for prefix in PLACE_PREFIXES:
            if self.name.startswith(prefix):
                return self.name[len(prefix) :]
        return self.name


class Field(models.Model):
    """A field of administrative procedures (lĩnh vực): hộ tịch, chứng thực, xây dựng…"""

    code = models.SlugField(_("mã lĩnh vực"), max_length=50, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255, unique=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính) as published in the catalogue."""

    code = models.CharField(
        _("mã thủ tục"), max_length=20, unique=True, validators=[procedure_code_validator]
    )
    name = models.CharField(_("tên thủ tục"), max_length=500)
    search_name = models.CharField(max_length=500, editable=False, db_index=True)
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures"
    )
    level = models.PositiveSmallIntegerField(
        _("mức độ dịch vụ công"), choices=ServiceLevel.choices, db_index=True
    )
    receiving_agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("cơ quan tiếp nhận"),
        related_name="received_procedures",
        blank=True,
    )
    # Liên thông: the agency that resolves a dossier received elsewhere (a Sở for a provincial
    # service centre), one per province; none when the receiving agency resolves it itself.
    resolving_agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("cơ quan giải quyết"),
        related_name="resolved_procedures",
        blank=True,
        help_text=_(
            "Cơ quan giải quyết hồ sơ khi khác cơ quan tiếp nhận (liên thông), mỗi tỉnh một cơ "
            "quan. Để trống khi chính cơ quan tiếp nhận giải quyết hồ sơ."
        ),
    )
    resolving_authority = models.CharField(
        _("cơ quan có thẩm quyền"),
        max_length=500,
        blank=True,
        help_text=_("Ví dụ: Ủy ban nhân dân cấp xã nơi cư trú của người cha hoặc người mẹ."),
    )
    applicants = models.TextField(_("đối tượng thực hiện"), blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    steps = models.TextField(_("trình tự thực hiện"), blank=True, help_text=_("Mỗi bước một dòng."))
    processing_time_kind = models.CharField(
        _("loại thời hạn"),
        max_length=20,
        choices=ProcessingTimeKind.choices,
        default=ProcessingTimeKind.WORKING_DAYS,
    )
    processing_days = models.PositiveSmallIntegerField(
        _("số ngày làm việc"), default=0, validators=[MaxValueValidator(365)]
    )
    deadline_unit = models.CharField(
        _("cách tính thời hạn"),
        max_length=10,
        choices=DeadlineUnit.choices,
        default=DeadlineUnit.DAYS,
    )
    fee_pauses_clock = models.BooleanField(
        _("tạm dừng thời hạn khi chờ nộp phí"),
        default=True,
        help_text=_(
            "Thời gian chờ công dân thực hiện nghĩa vụ tài chính không tính vào thời hạn "
            "giải quyết."
        ),
    )
    same_day_cutoff = models.TimeField(
        _("giờ tiếp nhận cuối trong ngày"),
        default=datetime.time(15, 0),
        help_text=_(
            "Hồ sơ thủ tục trong ngày nhận sau giờ này được trả vào ngày làm việc tiếp theo."
        ),
    )
    processing_note = models.CharField(_("ghi chú thời hạn"), max_length=500, blank=True)
    fee_note = models.TextField(_("ghi chú phí, lệ phí"), blank=True)
    legal_basis = models.TextField(
        _("căn cứ pháp lý"), blank=True, help_text=_("Mỗi văn bản một dòng.")
    )
    result = models.TextField(_("kết quả thực hiện"), blank=True)
    delivery_options = models.JSONField(
        _("cách nhận kết quả"),
        default=list,
        blank=True,
        help_text=_("Các giá trị: %(values)s.") % {"values": ", ".join(ResultDelivery.values)},
    )
    usage_count = models.PositiveIntegerField(_("số hồ sơ đã nộp"), default=0, db_index=True)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    effective_from = models.DateField(_("áp dụng từ ngày"), null=True, blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True, db_index=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="procedure_level_1_to_4"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.search_name = fold(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("procedures:detail", kwargs={"code": self.code})

    @property
    def level_2022_name(self):
        return SERVICE_LEVEL_2022_NAMES[self.level]

    @property
    def is_online(self):
        """Whether the dossier can be submitted online (levels 3 and 4)."""
        return self.level >= ServiceLevel.PARTIAL

    @property
    def has_downloads(self):
        return self.level >= ServiceLevel.FORMS

    @property
    def step_list(self):
        return [line.strip() for line in self.steps.splitlines() if line.strip()]

    @property
    def legal_basis_list(self):
        return [line.strip() for line in self.legal_basis.splitlines() if line.strip()]

    @property
    def delivery_labels(self):
        labels = dict(ResultDelivery.choices)
        return [labels[value] for value in self.delivery_options if value in labels]


class FeeRule(models.Model):
    """One fee or charge of a procedure, with the arithmetic its rule needs."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    label = models.CharField(_("tên khoản thu"), max_length=255, default=_("Lệ phí"))
    kind = models.CharField(_("cách tính"), max_length=20, choices=FeeKind.choices)
    amount = models.PositiveIntegerField(_("mức thu (đồng)"), default=0)
    pages_at_amount = models.PositiveSmallIntegerField(
        _("số trang đầu tính theo mức thu"),
        null=True,
        blank=True,
        help_text=_("Theo trang: các trang sau số này tính theo mức thu tiếp theo."),
    )
    amount_after = models.PositiveIntegerField(
        _("mức thu các trang tiếp theo"), null=True, blank=True
    )
    cap = models.PositiveIntegerField(_("mức thu tối đa mỗi bản"), null=True, blank=True)
    online_amount = models.PositiveIntegerField(
        _("mức thu khi nộp trực tuyến"), null=True, blank=True
    )
    note = models.CharField(_("trường hợp miễn, giảm"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.label

    def unit_amount(self, *, online: bool = False) -> int:
        if online and self.online_amount is not None:
            return self.online_amount
        return self.amount

    def compute(self, *, copies: int = 1, pages: int = 1, online: bool = False) -> int:
        """Return the amount in đồng for `copies` copies of `pages` pages each."""
        if self.kind == FeeKind.FREE:
            return 0
        unit = self.unit_amount(online=online)
        if self.kind == FeeKind.FIXED:
            return unit
        if self.kind == FeeKind.PER_COPY:
            return unit * copies
        first = pages if self.pages_at_amount is None else min(pages, self.pages_at_amount)
        rest = pages - first
        per_copy = first * unit + rest * (
            self.amount_after if self.amount_after is not None else unit
        )
        if self.cap is not None:
            per_copy = min(per_copy, self.cap)
        return per_copy * copies


def document_template_path(instance, filename):
    return f"procedures/{instance.procedure.code}/templates/{filename}"


class RequiredDocument(models.Model):
    """A document of the dossier (thành phần hồ sơ), in the order the procedure lists them."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    copy_type = models.CharField(_("loại bản"), max_length=30, choices=CopyType.choices)
    copies = models.PositiveSmallIntegerField(
        _("số lượng"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    is_required = models.BooleanField(_("bắt buộc"), default=True)
    condition = models.CharField(
        _("điều kiện"), max_length=500, blank=True, help_text=_("Khi nào phải nộp giấy tờ này.")
    )
    # Several documents of one procedure can stand for each other (a Giấy chứng sinh, or a
    # witness's statement where there is none): they share a group number, and the group counts
    # as one requirement, met by any one of them. A number, not a link between rows, so that an
    # administrator sets it in the inline before the rows exist.
    alternative_group = models.PositiveSmallIntegerField(
        _("nhóm thay thế"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Các giấy tờ cùng số nhóm thay thế được cho nhau: người nộp chỉ cần nộp một trong "
            "số đó. Để trống nếu giấy tờ không có giấy tờ thay thế."
        ),
    )
    is_declaration = models.BooleanField(
        _("là tờ khai"),
        default=False,
        help_text=_(
            "Tờ khai mà người nộp điền trực tuyến ở bước “Tờ khai” khi thủ tục có tờ khai điện "
            "tử: khi nộp trực tuyến không phải tải lên; nộp trực tiếp hoặc qua bưu chính vẫn "
            "nộp bản giấy."
        ),
    )
    template = models.FileField(
        _("mẫu đơn, tờ khai (DOCX/PDF)"),
        upload_to=document_template_path,
        blank=True,
    )

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["order", "pk"]
        constraints = [
            # The declaration is filled online instead of uploaded: it has no substitute to
            # upload in its place.
            models.CheckConstraint(
                condition=models.Q(is_declaration=False) | models.Q(alternative_group__isnull=True),
                name="required_document_declaration_not_alternative",
                violation_error_message=_("Tờ khai không thuộc nhóm giấy tờ thay thế."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def template_extension(self):
        return self.template.name.rsplit(".", 1)[-1].lower() if self.template else ""


class FormField(models.Model):
    """A field of the procedure's online declaration (tờ khai), defined as data."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="form_fields")
    section = models.CharField(_("phần"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.SlugField(
        _("mã trường"), max_length=60, help_text=_("Chữ thường không dấu, ví dụ: ho_ten_tre.")
    )
    label = models.CharField(_("nhãn"), max_length=255)
    field_type = models.CharField(_("kiểu dữ liệu"), max_length=20, choices=FieldType.choices)
    required = models.BooleanField(_("bắt buộc"), default=False)
    choices = models.TextField(_("các lựa chọn"), blank=True, help_text=_("Mỗi lựa chọn một dòng."))
    help_text = models.CharField(_("hướng dẫn"), max_length=500, blank=True)
    applicant = models.CharField(
        _("là thông tin người nộp"),
        max_length=20,
        choices=ApplicantRole.choices,
        blank=True,
        help_text=_(
            "Đánh dấu các trường là thông tin của chính người nộp hồ sơ (người yêu cầu): hồ sơ, "
            "giấy tiếp nhận và tra cứu lấy họ tên, giấy tờ tùy thân, địa chỉ từ các trường này."
        ),
    )

    class Meta:
        verbose_name = _("trường tờ khai")
        verbose_name_plural = _("trường tờ khai")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "name"], name="form_field_unique_name"),
            # One field per role: the applicant has one name, one ID.
            models.UniqueConstraint(
                fields=["procedure", "applicant"],
                condition=~models.Q(applicant=""),
                name="form_field_unique_applicant_role",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def choice_list(self):
        return [line.strip() for line in self.choices.splitlines() if line.strip()]
