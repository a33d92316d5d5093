import pytest

from procedures.text import fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đăng ký khai sinh", "dang ky khai sinh"),
        ("ĐĂNG KÝ KẾT HÔN", "dang ky ket hon"),
        ("  Chứng   thực\tbản sao ", "chung thuc ban sao"),
        ("Cấp giấy phép xây dựng nhà ở riêng lẻ", "cap giay phep xay dung nha o rieng le"),
        ("dang ky", "dang ky"),
        ("1.001193", "1.001193"),
    ],
)
def test_fold_removes_diacritics_and_case(text, expected):
    assert fold(text) == expected


def test_fold_treats_d_stroke_as_d():
    assert fold("đ") == fold("Đ") == "d"
