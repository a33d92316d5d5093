"""Synthetic catalogue for the benchmarks: agencies and procedures at the real country's scale.

Vietnam since 1 July 2025: 34 provinces and 3,321 wards and communes (3,355 agencies), and a
catalogue of a few thousand procedures. `seed_catalogue()` tops the database up to those counts,
on top of whatever `load_demo` loaded, so running it twice adds nothing. It needs Django set up
(see common.setup_django) and bypasses Model.save() for speed, so it fills in what save() derives:
Agency.path and Agency.province, Procedure.search_name.
"""

from __future__ import annotations

import datetime
import io
import random
import time

from django.db import connection, transaction
from django.db.models import F

from procedures.constants import (
    AgencyTier,
    CopyType,
    FeeKind,
    FieldType,
    ProcessingTimeKind,
    ResultDelivery,
    ServiceLevel,
)
from procedures.models import (
    Agency,
    FeeRule,
    Field,
    FormField,
    Procedure,
    RequiredDocument,
)
from procedures.text import fold

AGENCIES = 3_355
PROVINCES = 34
PROCEDURES = 2_000

PROVINCE_NAMES = [
    "Thành phố Hà Nội", "Thành phố Huế", "Tỉnh Quảng Ninh", "Tỉnh Cao Bằng", "Tỉnh Lạng Sơn",
    "Tỉnh Lai Châu", "Tỉnh Điện Biên", "Tỉnh Sơn La", "Tỉnh Thanh Hóa", "Tỉnh Nghệ An",
    "Tỉnh Hà Tĩnh", "Tỉnh Tuyên Quang", "Tỉnh Lào Cai", "Tỉnh Thái Nguyên", "Tỉnh Phú Thọ",
    "Tỉnh Bắc Ninh", "Tỉnh Hưng Yên", "Thành phố Hải Phòng", "Tỉnh Ninh Bình", "Tỉnh Quảng Trị",
    "Thành phố Đà Nẵng", "Tỉnh Quảng Ngãi", "Tỉnh Gia Lai", "Tỉnh Khánh Hòa", "Tỉnh Lâm Đồng",
    "Tỉnh Đắk Lắk", "Thành phố Hồ Chí Minh", "Tỉnh Đồng Nai", "Tỉnh Tây Ninh",
    "Thành phố Cần Thơ", "Tỉnh Vĩnh Long", "Tỉnh Đồng Tháp", "Tỉnh Cà Mau", "Tỉnh An Giang",
]  # fmt: skip

WARD_WORDS = [
    "An", "Bình", "Phú", "Tân", "Hòa", "Thạnh", "Long", "Phước", "Đông", "Tây", "Nam", "Bắc",
    "Trung", "Hưng", "Thịnh", "Xuân", "Thuận", "Hiệp", "Lợi", "Mỹ", "Vĩnh", "Quang", "Thành",
    "Sơn", "Hải", "Đức", "Minh", "Hồng", "Yên", "Lạc", "Nghĩa", "Thái", "Cẩm", "Kim", "Ngọc",
]  # fmt: skip

# Fields of the catalogue, each with typical procedure names (real names from the national
# catalogue, shortened). Qualifiers and levels below turn ~100 names into a few thousand.
FIELDS = {
    "ho-tich": ("Hộ tịch", [
        "Đăng ký khai sinh", "Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
        "Đăng ký lại khai sinh", "Đăng ký khai tử", "Đăng ký kết hôn", "Đăng ký giám hộ",
        "Đăng ký chấm dứt giám hộ", "Đăng ký nhận cha, mẹ, con",
        "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
        "Cấp bản sao trích lục hộ tịch", "Cấp Giấy xác nhận tình trạng hôn nhân",
        "Ghi vào Sổ hộ tịch việc kết hôn đã giải quyết ở nước ngoài",
    ]),
    "chung-thuc": ("Chứng thực", [
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực chữ ký",
        "Chứng thực chữ ký người dịch", "Chứng thực hợp đồng, giao dịch liên quan đến động sản",
        "Chứng thực di chúc", "Chứng thực văn bản thỏa thuận phân chia di sản",
        "Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch",
        "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực",
    ]),
    "dat-dai": ("Đất đai", [
        "Đăng ký đất đai, tài sản gắn liền với đất lần đầu", "Đăng ký biến động đất đai",
        "Cấp đổi Giấy chứng nhận quyền sử dụng đất", "Cấp lại Giấy chứng nhận bị mất",
        "Chuyển mục đích sử dụng đất", "Gia hạn sử dụng đất", "Tách thửa hoặc hợp thửa đất",
        "Xóa đăng ký cho thuê, cho thuê lại quyền sử dụng đất", "Giao đất, cho thuê đất",
    ]),
    "xay-dung": ("Xây dựng", [
        "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Cấp giấy phép sửa chữa, cải tạo công trình",
        "Điều chỉnh giấy phép xây dựng", "Gia hạn giấy phép xây dựng",
        "Cấp giấy phép di dời công trình", "Thẩm định báo cáo kinh tế - kỹ thuật",
        "Cấp chứng chỉ hành nghề hoạt động xây dựng",
    ]),
    "dang-ky-kinh-doanh": ("Thành lập và hoạt động của hộ kinh doanh", [
        "Đăng ký thành lập hộ kinh doanh", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
        "Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn",
        "Chấm dứt hoạt động hộ kinh doanh",
        "Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh", "Đăng ký thành lập doanh nghiệp tư nhân",
        "Đăng ký thay đổi người đại diện theo pháp luật",
    ]),
    "lao-dong": ("Lao động, việc làm", [
        "Giải quyết hưởng trợ cấp thất nghiệp", "Cấp giấy phép lao động cho người nước ngoài",
        "Xác nhận người nước ngoài không thuộc diện cấp giấy phép lao động",
        "Đăng ký nội quy lao động", "Gửi thỏa ước lao động tập thể", "Hỗ trợ học nghề",
    ]),
    "bao-tro-xa-hoi": ("Bảo trợ xã hội", [
        "Trợ giúp xã hội thường xuyên", "Hỗ trợ chi phí mai táng",
        "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật",
        "Đổi, cấp lại Giấy xác nhận khuyết tật", "Trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở",
        "Công nhận hộ nghèo, hộ cận nghèo",
    ]),
    "giao-duc": ("Giáo dục và đào tạo", [
        "Chuyển trường đối với học sinh trung học cơ sở", "Cấp bản sao văn bằng, chứng chỉ",
        "Chỉnh sửa nội dung văn bằng, chứng chỉ", "Xét, duyệt chính sách hỗ trợ học sinh",
        "Cho phép trường mầm non hoạt động giáo dục", "Công nhận xã đạt chuẩn phổ cập giáo dục",
    ]),
    "y-te": ("Y tế", [
        "Cấp giấy phép hành nghề khám bệnh, chữa bệnh", "Cấp giấy phép hoạt động phòng khám",
        "Cấp chứng chỉ hành nghề dược", "Cấp giấy chứng nhận đủ điều kiện kinh doanh dược",
        "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
    ]),
    "giao-thong": ("Đường bộ", [
        "Cấp giấy phép lái xe", "Đổi giấy phép lái xe", "Cấp lại giấy phép lái xe",
        "Cấp phép thi công công trình đường bộ", "Cấp giấy phép lưu hành xe quá tải trọng",
        "Đăng ký khai thác tuyến vận tải hành khách cố định",
    ]),
    "cu-tru": ("Đăng ký, quản lý cư trú", [
        "Đăng ký thường trú", "Đăng ký tạm trú", "Gia hạn tạm trú", "Xóa đăng ký thường trú",
        "Khai báo tạm vắng", "Thông báo lưu trú", "Xác nhận thông tin về cư trú",
    ]),
    "nong-nghiep": ("Nông nghiệp và môi trường", [
        "Đăng ký môi trường", "Cấp giấy phép môi trường", "Hỗ trợ khôi phục sản xuất nông nghiệp",
        "Cấp giấy chứng nhận kinh tế trang trại", "Phê duyệt phương án trồng rừng thay thế",
        "Cấp giấy phép khai thác nước dưới đất",
    ]),
}  # fmt: skip

QUALIFIERS = [
    "", "", "", " có yếu tố nước ngoài", " cho người Việt Nam định cư ở nước ngoài",
    " trong trường hợp đặc biệt", " (thực hiện liên thông)", " qua dịch vụ bưu chính",
    " đối với người chưa thành niên", " lưu động",
]  # fmt: skip
LEVEL_QUALIFIERS = ["", " (cấp xã)", " (cấp tỉnh)", " (cấp trung ương)"]

DOCUMENT_NAMES = [
    "Tờ khai theo mẫu", "Giấy chứng sinh hoặc văn bản của người làm chứng",
    "Căn cước hoặc hộ chiếu của người yêu cầu", "Giấy tờ chứng minh nơi cư trú",
    "Văn bản ủy quyền có chứng thực", "Bản chính giấy tờ cần chứng thực",
    "Giấy chứng nhận quyền sử dụng đất", "Bản vẽ thiết kế", "Hợp đồng, giao dịch",
    "Giấy xác nhận tình trạng hôn nhân", "Sơ đồ vị trí thửa đất", "Biên lai nộp lệ phí",
    "Giấy khám sức khỏe", "Ảnh chân dung 4x6", "Quyết định của cơ quan có thẩm quyền",
]  # fmt: skip

FORM_FIELDS = [
    ("ho_ten", "Họ, chữ đệm và tên", FieldType.TEXT, "Người yêu cầu"),
    ("ngay_sinh", "Ngày, tháng, năm sinh", FieldType.DATE, "Người yêu cầu"),
    ("so_dinh_danh", "Số định danh cá nhân", FieldType.CITIZEN_ID, "Người yêu cầu"),
    ("gioi_tinh", "Giới tính", FieldType.CHOICE, "Người yêu cầu"),
    ("dan_toc", "Dân tộc", FieldType.TEXT, "Người yêu cầu"),
    ("quoc_tich", "Quốc tịch", FieldType.TEXT, "Người yêu cầu"),
    ("noi_cu_tru", "Nơi cư trú", FieldType.TEXTAREA, "Người yêu cầu"),
    ("dien_thoai", "Số điện thoại", FieldType.PHONE, "Liên hệ"),
    ("thu_dien_tu", "Thư điện tử", FieldType.EMAIL, "Liên hệ"),
    ("quan_he", "Quan hệ với người được đăng ký", FieldType.CHOICE, "Người được đăng ký"),
    ("ho_ten_nguoi_duoc", "Họ tên người được đăng ký", FieldType.TEXT, "Người được đăng ký"),
    ("ngay_su_kien", "Ngày xảy ra sự kiện", FieldType.DATE, "Nội dung"),
    ("noi_su_kien", "Nơi xảy ra sự kiện", FieldType.TEXT, "Nội dung"),
    ("so_ban_sao", "Số bản sao yêu cầu", FieldType.NUMBER, "Nội dung"),
    ("ly_do", "Lý do", FieldType.TEXTAREA, "Nội dung"),
    ("dien_tich", "Diện tích (m²)", FieldType.NUMBER, "Nội dung"),
    ("cam_doan", "Tôi cam đoan nội dung trên là đúng sự thật", FieldType.BOOLEAN, "Cam đoan"),
]  # fmt: skip
CHOICES = {"gioi_tinh": "Nam\nNữ", "quan_he": "Cha\nMẹ\nÔng\nBà\nNgười giám hộ\nKhác"}

STEPS = [
    "Người yêu cầu nộp hồ sơ trực tiếp, qua bưu chính hoặc trực tuyến.",
    "Cán bộ tiếp nhận kiểm tra tính đầy đủ, hợp lệ của hồ sơ.",
    "Cơ quan có thẩm quyền xem xét, giải quyết hồ sơ.",
    "Trả kết quả cho người yêu cầu theo cách đã chọn.",
]
LEGAL_BASIS = [
    "Luật Hộ tịch số 60/2014/QH13",
    "Nghị định số 123/2015/NĐ-CP",
    "Nghị định số 23/2015/NĐ-CP về cấp bản sao, chứng thực",
    "Thông tư số 85/2019/TT-BTC về phí và lệ phí",
    "Nghị định số 118/2025/NĐ-CP về thực hiện thủ tục hành chính theo cơ chế một cửa",
]


def _phone(rng: random.Random) -> str:
    return f"0{rng.randint(200, 299)} 3 {rng.randint(100, 999)} {rng.randint(100, 999)}"


def _ward_name(rng: random.Random, index: int) -> str:
    kind = rng.choice(["Phường", "Xã", "Xã", "Xã"])
    return f"{kind} {rng.choice(WARD_WORDS)} {rng.choice(WARD_WORDS)} {index}"


def _spread(total: int, buckets: int, rng: random.Random) -> list[int]:
    """Split `total` into `buckets` uneven parts (as wards per province are), each ≥ 1."""
    if buckets == 0 or total <= 0:
        return [0] * buckets
    weights = [rng.uniform(0.5, 1.5) for _ in range(buckets)]
    scale = total / sum(weights)
    parts = [max(1, int(w * scale)) for w in weights]
    index = 0
    while sum(parts) < total:
        parts[index % buckets] += 1
        index += 1
    while sum(parts) > total:
        if parts[index % buckets] > 1:
            parts[index % buckets] -= 1
        index += 1
    return parts


def seed_agencies(rng: random.Random, *, total: int = AGENCIES, provinces: int = PROVINCES) -> int:
    """Add provinces until there are `provinces`, then wards under them until `total` agencies."""
    created = 0
    codes = set(Agency.objects.values_list("code", flat=True))
    existing = list(Agency.objects.filter(tier=AgencyTier.PROVINCE).order_by("pk"))
    used_names = {a.name for a in existing}
    names = [n for n in PROVINCE_NAMES if n not in used_names]
    new = []
    for number in range(1, 100):
        if len(existing) + len(new) >= provinces:
            break
        code = f"000.00.00.B{number:02d}"
        if code in codes:
            continue
        name = names.pop(0) if names else f"Tỉnh Thử nghiệm {number}"
        new.append(
            Agency(
                code=code,
                name=f"Ủy ban nhân dân {name[0].lower()}{name[1:]}",
                tier=AgencyTier.PROVINCE,
                parent=None,
                path=code + "/",  # Agency.save(): parent's path + own code + "/"
                address=f"Số 1 đường Trần Phú, {name}",
                phone=_phone(rng),
                email=f"vpubnd{number:02d}@dichvucong.local",
                weekday_sessions="07:30-11:30, 13:30-17:00",
            )
        )
        codes.add(code)
    if new:
        Agency.objects.bulk_create(new)
        # Agency.save(): a province is its own province.
        Agency.objects.filter(pk__in=[a.pk for a in new]).update(province=F("pk"))
        created += len(new)
    all_provinces = list(
        Agency.objects.filter(tier=AgencyTier.PROVINCE).order_by("pk").only("pk", "code", "path")
    )

    missing = total - Agency.objects.count()
    wards = []
    per_province = _spread(missing, len(all_provinces), rng)
    for p_index, (province, count) in enumerate(
        zip(all_provinces, per_province, strict=True), start=1
    ):
        number = 0
        made = 0
        while made < count:
            number += 1
            code = f"{number // 100:03d}.{number % 100:02d}.00.B{p_index:02d}"
            if code in codes:
                continue
            codes.add(code)
            made += 1
            wards.append(
                Agency(
                    code=code,
                    name=_ward_name(rng, number),
                    tier=AgencyTier.COMMUNE,
                    parent_id=province.pk,
                    path=province.path + code + "/",  # consistent with Agency.save()
                    province_id=province.pk,  # a ward's province is its parent's
                    address=f"Trụ sở Ủy ban nhân dân, thôn {number}",
                    phone=_phone(rng),
                    email=f"ubnd{p_index:02d}{number:03d}@dichvucong.local",
                    weekday_sessions="07:30-11:30, 13:30-17:00",
                )
            )
    Agency.objects.bulk_create(wards, batch_size=2000)
    return created + len(wards)


def _procedure_names(rng: random.Random) -> list[tuple[str, str]]:
    """All (field code, name) combinations, shuffled."""
    names = [
        (field, base + qualifier + level)
        for field, (_, bases) in FIELDS.items()
        for base in bases
        for qualifier in QUALIFIERS[2:]  # each qualifier once, plus the bare name
        for level in LEVEL_QUALIFIERS
    ]
    names += [
        (field, base + level)
        for field, (_, bases) in FIELDS.items()
        for base in bases
        for level in LEVEL_QUALIFIERS
    ]
    rng.shuffle(names)
    return names


def seed_procedures(rng: random.Random, *, total: int = PROCEDURES) -> dict[str, int]:
    """Add procedures, with their documents, fees, form fields and receivers, up to `total`."""
    missing = total - Procedure.objects.count()
    if missing <= 0:
        return {"procedures": 0, "documents": 0, "fees": 0, "form_fields": 0, "receivers": 0}
    fields = {f.code: f for f in Field.objects.all()}
    for order, (code, (name, _)) in enumerate(FIELDS.items(), start=100):
        if code not in fields and not Field.objects.filter(name=name).exists():
            fields[code] = Field.objects.create(code=code, name=name, order=order)
    fields_by_name = {f.name: f for f in Field.objects.all()}
    for code, (name, _) in FIELDS.items():
        fields.setdefault(code, fields_by_name.get(name))

    provinces = list(Agency.objects.filter(tier=AgencyTier.PROVINCE, is_active=True).order_by("pk"))
    wards_by_province: dict[int, list[int]] = {p.pk: [] for p in provinces}
    for pk, province_id in Agency.objects.filter(
        tier=AgencyTier.COMMUNE, is_active=True
    ).values_list("pk", "province_id"):
        wards_by_province.setdefault(province_id, []).append(pk)

    codes = set(Procedure.objects.values_list("code", flat=True))
    names = _procedure_names(rng)
    today = datetime.date(2025, 7, 1)
    procedures, receivers = [], []
    number = 0
    while len(procedures) < missing:
        number += 1
        code = f"2.{number:06d}"
        if code in codes:
            continue
        field_code, name = names[(len(procedures)) % len(names)]
        level = rng.choices([1, 2, 3, 4], weights=[10, 25, 35, 30])[0]
        same_day = rng.random() < 0.2
        roll = rng.random()
        chosen = rng.sample(provinces, k=min(len(provinces), rng.randint(1, 3)))
        if roll < 0.75:  # most: received by every ward of 1–3 provinces
            agencies = [pk for p in chosen for pk in wards_by_province.get(p.pk, [])]
            resolving = None
        elif roll < 0.95:  # provincial procedures: the provinces' own offices
            agencies = [p.pk for p in chosen]
            resolving = chosen[0]
        else:  # central procedures: received elsewhere
            agencies = []
            resolving = None
        procedures.append(
            Procedure(
                code=code,
                name=name,
                search_name=fold(name),  # Procedure.save() does this; bulk_create does not
                field=fields[field_code],
                level=level,
                resolving_authority=""
                if resolving
                else "Ủy ban nhân dân cấp xã nơi cư trú của người yêu cầu",
                applicants="Công dân Việt Nam\nNgười nước ngoài cư trú tại Việt Nam",
                conditions="Người yêu cầu có đủ năng lực hành vi dân sự."
                if rng.random() < 0.5
                else "",
                steps="\n".join(STEPS[: rng.randint(2, 4)]),
                processing_time_kind=ProcessingTimeKind.SAME_DAY
                if same_day
                else ProcessingTimeKind.WORKING_DAYS,
                processing_days=0 if same_day else rng.choice([1, 3, 5, 7, 10, 15, 20, 30]),
                processing_note=""
                if rng.random() < 0.7
                else "Trường hợp cần xác minh, thời hạn kéo dài thêm không quá 3 ngày làm việc.",
                fee_note="Miễn lệ phí cho người thuộc hộ nghèo, người khuyết tật."
                if rng.random() < 0.3
                else "",
                legal_basis="\n".join(rng.sample(LEGAL_BASIS, k=rng.randint(1, 4))),
                result="Giấy chứng nhận hoặc văn bản trả lời của cơ quan có thẩm quyền.",
                delivery_options=rng.sample(ResultDelivery.values, k=rng.randint(1, 3)),
                usage_count=min(2_000_000, int(rng.paretovariate(1.1) * 40) - 40),
                effective_from=today - datetime.timedelta(days=rng.randint(0, 3000)),
            )
        )
        receivers.append(agencies)
        codes.add(code)
    Procedure.objects.bulk_create(procedures, batch_size=1000)

    documents, fees, form_fields = [], [], []
    for procedure in procedures:
        for order, doc_name in enumerate(rng.sample(DOCUMENT_NAMES, k=rng.randint(3, 8)), 1):
            documents.append(
                RequiredDocument(
                    procedure=procedure,
                    order=order,
                    name=doc_name,
                    copy_type=rng.choice(CopyType.values),
                    copies=rng.choice([1, 1, 1, 2]),
                    is_required=rng.random() < 0.8,
                    condition="" if rng.random() < 0.8 else "Trường hợp người yêu cầu ủy quyền.",
                )
            )
        for order in range(1, rng.randint(1, 2) + 1):
            kind = rng.choice(FeeKind.values)
            fees.append(
                FeeRule(
                    procedure=procedure,
                    order=order,
                    label="Lệ phí" if order == 1 else "Phí",
                    kind=kind,
                    amount=0 if kind == FeeKind.FREE else rng.choice([2000, 5000, 8000, 50000]),
                    pages_at_amount=2 if kind == FeeKind.PER_PAGE else None,
                    amount_after=1000 if kind == FeeKind.PER_PAGE else None,
                    cap=200000 if kind == FeeKind.PER_PAGE else None,
                    online_amount=None if rng.random() < 0.7 else 0,
                )
            )
        picked = sorted(rng.sample(range(len(FORM_FIELDS)), k=rng.randint(5, 15)))
        for order, index in enumerate(picked, 1):
            field_name, label, field_type, section = FORM_FIELDS[index]
            form_fields.append(
                FormField(
                    procedure=procedure,
                    section=section,
                    order=order,
                    name=field_name,
                    label=label,
                    field_type=field_type,
                    required=rng.random() < 0.7,
                    choices=CHOICES.get(field_name, ""),
                )
            )
    RequiredDocument.objects.bulk_create(documents, batch_size=5000)
    FeeRule.objects.bulk_create(fees, batch_size=5000)
    FormField.objects.bulk_create(form_fields, batch_size=5000)

    # The M2M rows (hundreds of thousands) with COPY: bulk_create would take most of the seeding.
    through = Procedure.receiving_agencies.through._meta.db_table
    buffer = io.StringIO()
    rows = 0
    for procedure, agencies in zip(procedures, receivers, strict=True):
        for agency_pk in agencies:
            buffer.write(f"{procedure.pk}\t{agency_pk}\n")
            rows += 1
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {through} (procedure_id, agency_id) FROM STDIN", buffer)
    return {
        "procedures": len(procedures),
        "documents": len(documents),
        "fees": len(fees),
        "form_fields": len(form_fields),
        "receivers": rows,
    }


def vacuum_analyze() -> None:
    """Fresh planner statistics, as autovacuum would have on a live database."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def seed_catalogue(
    *, agencies: int = AGENCIES, procedures: int = PROCEDURES, seed: int = 2
) -> dict[str, int | float]:
    """Top the catalogue up to `agencies` agencies and `procedures` procedures; return counts."""
    started = time.monotonic()
    rng = random.Random(seed)
    with transaction.atomic():
        created_agencies = seed_agencies(rng, total=agencies)
        counts = seed_procedures(rng, total=procedures)
    vacuum_analyze()
    through = Procedure.receiving_agencies.through
    return {
        "agencies_created": created_agencies,
        **{f"{key}_created": value for key, value in counts.items()},
        "agencies": Agency.objects.count(),
        "provinces": Agency.objects.filter(tier=AgencyTier.PROVINCE).count(),
        "procedures": Procedure.objects.count(),
        "procedures_active": Procedure.objects.filter(is_active=True).count(),
        "online_procedures": Procedure.objects.filter(level__gte=ServiceLevel.PARTIAL).count(),
        "required_documents": RequiredDocument.objects.count(),
        "fee_rules": FeeRule.objects.count(),
        "form_fields": FormField.objects.count(),
        "receiving_agency_rows": through.objects.count(),
        "seconds": round(time.monotonic() - started, 1),
    }
