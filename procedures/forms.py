from django import forms
from django.utils.translation import gettext_lazy as _

from procedures import selectors
from procedures.constants import ServiceLevel
from procedures.models import Agency, Field
from procedures.selectors import CatalogueFilter


class ProvinceAgencyForm(forms.Form):
    """A province, then one of its receiving units: the second list fills once a province is
    chosen (the page reloads on change; portal.js)."""

    tinh = forms.ModelChoiceField(
        label=_("Tỉnh, thành phố"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Tất cả tỉnh, thành phố"),
    )
    co_quan = forms.ModelChoiceField(
        label=_("Xã, phường hoặc cơ quan"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Tất cả cơ quan"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tinh"].queryset = selectors.province_list()
        province_code = self.data.get("tinh") if self.is_bound else None
        if province_code:
            self.fields["co_quan"].queryset = selectors.agency_receiving_units(
                province_code=province_code
            )
        else:
            self.fields["co_quan"].disabled = True
            self.fields["co_quan"].help_text = _("Chọn tỉnh, thành phố trước.")

    def selected_agency(self, data: dict) -> Agency | None:
        return data.get("co_quan") or data.get("tinh")


class CatalogueFilterForm(ProvinceAgencyForm):
    """The catalogue's search box and filters, bound to the query string."""

    q = forms.CharField(
        label=_("Tìm thủ tục"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Tên hoặc mã thủ tục, ví dụ: đăng ký khai sinh"),
                "type": "search",
            }
        ),
    )
    linh_vuc = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=Field.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Tất cả lĩnh vực"),
    )
    muc_do = forms.TypedChoiceField(
        label=_("Mức độ"),
        choices=[("", _("Tất cả mức độ")), *ServiceLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    truc_tuyen = forms.BooleanField(label=_("Chỉ dịch vụ nộp trực tuyến được"), required=False)

    def to_filter(self) -> CatalogueFilter:
        """Return the filter for the valid part of the input; invalid filters are dropped."""
        data = (
            self.cleaned_data
            if self.is_valid()
            else {name: value for name, value in getattr(self, "cleaned_data", {}).items()}
        )
        return CatalogueFilter(
            query=data.get("q") or "",
            agency=self.selected_agency(data),
            field=data.get("linh_vuc"),
            level=data.get("muc_do"),
            online_only=bool(data.get("truc_tuyen")),
        )
