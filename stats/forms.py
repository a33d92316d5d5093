import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procedures import selectors as catalogue
from procedures.models import Agency


class StatsForm(forms.Form):
    tinh = forms.ModelChoiceField(
        label=_("Tỉnh, thành phố"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Toàn cổng"),
    )
    co_quan = forms.ModelChoiceField(
        label=_("Cơ quan"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Tất cả cơ quan trong tỉnh"),
    )
    nam = forms.TypedChoiceField(label=_("Năm"), coerce=int)
    thang = forms.TypedChoiceField(
        label=_("Tháng"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", _("Cả năm"))] + [(m, _("Tháng %(m)s") % {"m": m}) for m in range(1, 13)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["nam"].choices = [(y, y) for y in range(this_year, this_year - 6, -1)]
        self.fields["nam"].initial = this_year
        self.fields["tinh"].queryset = catalogue.province_list()
        province = self.data.get("tinh") if self.is_bound else None
        if province:
            self.fields["co_quan"].queryset = catalogue.agency_receiving_units(
                province_code=province
            )
        else:
            self.fields["co_quan"].disabled = True

    def period(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        today = timezone.localdate()
        return {
            "agency": data.get("co_quan") or data.get("tinh"),
            "year": data.get("nam") or today.year,
            "month": data.get("thang") if self.is_valid() else today.month,
        }


def month_label(year: int, month: int | None) -> str:
    if month:
        return datetime.date(year, month, 1).strftime("%m/%Y")
    return str(year)
