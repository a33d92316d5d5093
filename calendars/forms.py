"""The forms of the calendar's back-office pages (calendars.admin)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from calendars.constants import DayKind
from calendars.models import CalendarDay
from calendars.workdays import national_calendar

FIRST_YEAR, LAST_YEAR = 2000, 2100


class YearForm(forms.Form):
    """The year the year view shows (GET)."""

    nam = forms.IntegerField(
        label=_("Năm"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={
            "invalid": _("Nhập năm bằng số, ví dụ 2026."),
            "min_value": _("Năm từ %(limit_value)s trở đi."),
            "max_value": _("Năm đến %(limit_value)s."),
        },
    )


class QuickCorrectionForm(forms.Form):
    """One click on a row of the year view: turn the national status of a day the other way,
    or remove the province's correction."""

    TURN, REMOVE = "chuyen", "bo"

    ngay = forms.DateField(input_formats=["%Y-%m-%d"])
    thao_tac = forms.ChoiceField(choices=[(TURN, TURN), (REMOVE, REMOVE)])

    def clean_ngay(self):
        day = self.cleaned_data["ngay"]
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(_("Ngày ngoài phạm vi của lịch."), code="year")
        return day


class CalendarDayForm(forms.ModelForm):
    """A province's correction: the day, whether it is worked, and its name or legal basis.

    The province is not a field for an officer who administers one province: the admin sets it
    from their scope (`fixed_province`) before the form is validated, so that the rules below
    are checked against it.
    """

    fixed_province = None

    class Meta:
        model = CalendarDay
        fields = ["province", "day", "kind", "name"]
        widgets = {"day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "kind": _(
                "Ngày nghỉ: thêm một ngày nghỉ của tỉnh, hoặc bỏ một ngày làm bù. Ngày làm việc: "
                "bỏ một ngày nghỉ của lịch quốc gia, hoặc thêm một ngày làm bù vào thứ Bảy, "
                "Chủ nhật."
            ),
            "name": _("Ví dụ: Ngày làm bù cho ngày 02/01, theo Quyết định số …/QĐ-UBND."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.fixed_province is not None and self.instance.province_id is None:
            self.instance.province = self.fixed_province

    def clean(self):
        cleaned = super().clean()
        province = cleaned.get("province") or (
            self.instance.province if self.instance.province_id else None
        )
        day, kind = cleaned.get("day"), cleaned.get("kind")
        if province is None or day is None:
            return cleaned
        taken = CalendarDay.objects.filter(province=province, day=day).exclude(pk=self.instance.pk)
        if taken.exists():
            self.add_error(
                "day",
                forms.ValidationError(
                    _(
                        "%(province)s đã có điều chỉnh cho ngày %(day)s: sửa điều chỉnh đó "
                        "thay vì thêm mới."
                    ),
                    code="taken",
                    params={"province": province.name, "day": day.strftime("%d/%m/%Y")},
                ),
            )
        if kind:
            national_working = national_calendar().is_working_day(day)
            if (kind == DayKind.WORKING_DAY) == national_working:
                message = (
                    _("Ngày %(day)s đã là ngày làm việc theo lịch quốc gia.")
                    if national_working
                    else _("Ngày %(day)s đã là ngày nghỉ theo lịch quốc gia.")
                )
                self.add_error(
                    "kind",
                    forms.ValidationError(
                        message, code="no_change", params={"day": day.strftime("%d/%m/%Y")}
                    ),
                )
        return cleaned
