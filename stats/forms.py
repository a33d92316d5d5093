import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procedures.forms import ProvinceAgencyForm


class StatsForm(ProvinceAgencyForm):
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
        self.fields["tinh"].empty_label = _("Toàn cổng")

    def period(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        today = timezone.localdate()
        return {
            "agency": self.selected_agency(data),
            "year": data.get("nam") or today.year,
            "month": data.get("thang") if self.is_valid() else today.month,
        }


def month_label(year: int, month: int | None) -> str:
    if month:
        return datetime.date(year, month, 1).strftime("%m/%Y")
    return str(year)
