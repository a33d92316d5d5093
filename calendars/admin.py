"""The province's working calendar in the back-office: a year view of the days off and make-up
days, with one-click corrections.

Who may do what (the permissions come with the administrator role, officers.services):
- an administrator of a province agency (tier "province") sees and corrects that province's
  calendar; the province comes from their agencies, never from a field they could change;
- an administrator of a ward or a department reads its province's calendar (the deadlines of
  their dossiers follow it) but cannot correct it: a holiday is the province's decision, and one
  correction moves the deadlines of every agency in the province;
- a superuser chooses the province; other roles have no access.
Every write goes through calendars.services, which announces the change so that the deadlines
the days touch are recomputed (dossiers.signals).
"""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calendars import services
from calendars.constants import DayKind
from calendars.forms import CalendarDayForm, QuickCorrectionForm, YearForm
from calendars.models import CalendarDay
from calendars.selectors import Scope, calendar_scope, year_days
from calendars.workdays import national_calendar
from core.adminsafe import SafeParametersMixin
from procedures.models import Agency

WEEKDAYS = (
    gettext_lazy("Thứ Hai"),
    gettext_lazy("Thứ Ba"),
    gettext_lazy("Thứ Tư"),
    gettext_lazy("Thứ Năm"),
    gettext_lazy("Thứ Sáu"),
    gettext_lazy("Thứ Bảy"),
    gettext_lazy("Chủ nhật"),
)


def _make_up_names(year: int) -> dict:
    """Name each national make-up working day of `year` after the day off it pays for: the
    package names the day off ("Ngày nghỉ (thay cho ngày 22/08/2026)"), not the Saturday."""
    national = national_calendar()
    national.get(datetime.date(year, 1, 1))  # fills in the year
    names = {}
    for workday in national.weekend_workdays:
        if workday.year != year:
            continue
        text = workday.strftime("%d/%m/%Y")
        paid = sorted(day for day, name in national.items() if text in name)
        names[workday] = (
            _("Làm bù cho ngày nghỉ %(day)s") % {"day": paid[0].strftime("%d/%m/%Y")}
            if paid
            else _("Ngày làm bù")
        )
    return names


def day_rows(province: Agency, year: int) -> list[dict]:
    """The year view's rows: each day off on a weekday and each weekend working day, as the
    national calendar has it and as the province has corrected it."""
    make_up = _make_up_names(year)
    rows = []
    for entry in year_days(province, year):
        day, working, correction = entry["day"], entry["working"], entry["correction"]
        if not working:
            status, css = _("Ngày nghỉ"), "day-off"
        elif day.weekday() < 5:
            status, css = _("Ngày làm việc"), "working"
        else:
            status, css = _("Ngày làm bù"), "make-up"
        # A day of the national list: a weekday off, or a weekend day worked.
        national = entry["national_working"] != (day.weekday() < 5)
        rows.append(
            {
                **entry,
                "weekday": WEEKDAYS[day.weekday()],
                "national_label": entry["national_name"] or make_up.get(day, ""),
                "national": national,
                "status": status,
                "css": css,
                "source": _("Tỉnh điều chỉnh") if correction else _("Lịch quốc gia"),
                "turn_label": _("Chuyển thành ngày nghỉ")
                if entry["national_working"]
                else _("Chuyển thành ngày làm việc"),
            }
        )
    return rows


@admin.register(CalendarDay)
class CalendarDayAdmin(SafeParametersMixin, admin.ModelAdmin):
    """The calendar of one province, a year at a time (the change list is the year view)."""

    form = CalendarDayForm
    actions = ["delete_corrections"]
    change_list_template = "admin/calendars/calendarday/change_list.html"

    # --- Who may do what --------------------------------------------------------------------

    def scope(self, request) -> Scope:
        if not hasattr(request, "_calendar_scope"):
            request._calendar_scope = calendar_scope(request.user)
        return request._calendar_scope

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(province__in=list(self.scope(request).viewable))
            .select_related("province")
        )

    def get_object(self, request, object_id, from_field=None):
        # Another province's correction is not found, rather than redirected to the index.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        viewable = self.scope(request).viewable
        return bool(viewable) if obj is None else obj.province_id in viewable

    def _may_edit(self, request, obj) -> bool:
        editable = self.scope(request).editable
        return bool(editable) if obj is None else obj.province_id in editable

    def has_add_permission(self, request):
        return super().has_add_permission(request) and self._may_edit(request, None)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    def _province(self, request, data) -> Agency | None:
        """The province asked for (`tinh`) among those the user reads, else their default."""
        scope = self.scope(request)
        value = data.get("tinh")
        if not value:
            return scope.default()
        try:
            return scope.viewable[int(value)]
        except (KeyError, ValueError):
            raise Http404 from None

    # --- The add and change form ------------------------------------------------------------

    def get_fields(self, request, obj=None):
        fields = ["province", "day", "kind", "name"]
        # One province to correct: it is theirs, not a choice.
        if not request.user.is_superuser and len(self.scope(request).editable_provinces()) <= 1:
            fields.remove("province")
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        provinces = self.scope(request).editable_provinces()
        fixed = provinces[0] if "province" not in form.base_fields and provinces else None
        return type(form.__name__, (form,), {"fixed_province": fixed})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "province":
            kwargs["queryset"] = Agency.objects.filter(
                pk__in=[p.pk for p in self.scope(request).editable_provinces()]
            ).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        previous = form.initial.get("day") if change else None
        services.calendar_day_save(day=obj, actor=request.user, previous=previous)

    def delete_model(self, request, obj):
        request._calendar_deleted = (obj.province_id, obj.day.year)
        services.calendar_day_delete(day=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for correction in queryset:
                services.calendar_day_delete(day=correction)

    def _year_url(self, request, province_id: int, year: int) -> str:
        query = {"nam": year}
        if len(self.scope(request).viewable) > 1:
            query["tinh"] = province_id
        return reverse("admin:calendars_calendarday_changelist") + "?" + urlencode(query)

    def response_post_save_add(self, request, obj):
        return HttpResponseRedirect(self._year_url(request, obj.province_id, obj.day.year))

    def response_post_save_change(self, request, obj):
        return HttpResponseRedirect(self._year_url(request, obj.province_id, obj.day.year))

    def response_delete(self, request, obj_display, obj_id):
        response = super().response_delete(request, obj_display, obj_id)
        deleted = getattr(request, "_calendar_deleted", None)
        if deleted is not None and response.status_code == 302:
            return HttpResponseRedirect(self._year_url(request, *deleted))
        return response

    # --- Bulk action ------------------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        # The default deletes with the ORM, which would not move the deadlines.
        actions.pop("delete_selected", None)
        return actions

    @admin.action(
        description=gettext_lazy("Bỏ điều chỉnh các ngày đã chọn"), permissions=["delete"]
    )
    def delete_corrections(self, request, queryset):
        corrections = [row for row in queryset if self.has_delete_permission(request, row)]
        if not corrections:
            return
        self.log_deletions(request, corrections)
        with transaction.atomic():
            for correction in corrections:
                services.calendar_day_delete(day=correction)
        days = ", ".join(f"{row.day:%d/%m/%Y}" for row in corrections)
        self.message_user(
            request,
            _("Đã bỏ điều chỉnh %(count)d ngày: %(days)s. Các ngày này theo lịch quốc gia.")
            % {"count": len(corrections), "days": days},
            messages.SUCCESS,
        )

    # --- The year view and its one-click corrections ----------------------------------------

    def get_urls(self):
        return [
            path(
                "dieu-chinh/",
                self.admin_site.admin_view(self.correct_view),
                name="calendars_calendarday_correct",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        province = self._province(request, request.GET)
        form = YearForm(request.GET if "nam" in request.GET else None)
        year = form.cleaned_data["nam"] if form.is_valid() else timezone.localdate().year
        can_edit = province is not None and province.pk in self.scope(request).editable
        if request.method == "POST" and "action" in request.POST:
            if not can_edit:
                raise PermissionDenied
            corrections = self.get_queryset(request).filter(province=province, day__year=year)
            response = self.response_action(request, queryset=corrections)
            return response or HttpResponseRedirect(request.get_full_path())
        if not form.is_bound:
            form = YearForm(initial={"nam": year})
        rows = day_rows(province, year) if province is not None else []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Lịch ngày nghỉ, ngày làm bù năm %(year)s") % {"year": year},
            "subtitle": province.name if province else None,
            "form": form,
            "year": year,
            "previous_year": year - 1,
            "next_year": year + 1,
            "province": province,
            "provinces": list(self.scope(request).viewable.values()),
            "rows": rows,
            "corrected": any(row["correction"] for row in rows),
            "can_edit": can_edit and self.has_change_permission(request),
            "can_add": can_edit and self.has_add_permission(request),
            "can_delete": can_edit and self.has_delete_permission(request),
            "turn": QuickCorrectionForm.TURN,
            "remove": QuickCorrectionForm.REMOVE,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.change_list_template, context)

    def correct_view(self, request):
        """One click on a row: turn a national day the other way, or drop the correction."""
        if request.method != "POST":
            raise Http404
        if not self.has_change_permission(request):
            raise PermissionDenied
        province = self._province(request, request.POST)
        if province is None or province.pk not in self.scope(request).editable:
            raise PermissionDenied
        form = QuickCorrectionForm(request.POST)
        if not form.is_valid():
            raise Http404
        day, action = form.cleaned_data["ngay"], form.cleaned_data["thao_tac"]
        if action == QuickCorrectionForm.REMOVE:
            self._remove(request, province, day)
        else:
            self._turn(request, province, day)
        return HttpResponseRedirect(
            self._year_url(request, province.pk, day.year) + f"#ngay-{day:%Y-%m-%d}"
        )

    def _remove(self, request, province, day):
        correction = CalendarDay.objects.filter(province=province, day=day).first()
        if correction is None:  # already removed (a second click, another tab)
            self.message_user(
                request,
                _("Ngày %(day)s không có điều chỉnh của tỉnh.") % {"day": f"{day:%d/%m/%Y}"},
                messages.WARNING,
            )
            return
        self.log_deletions(request, [correction])
        services.calendar_day_delete(day=correction)
        self.message_user(
            request,
            _("Đã bỏ điều chỉnh ngày %(day)s: ngày này theo lịch quốc gia.")
            % {"day": f"{day:%d/%m/%Y}"},
            messages.SUCCESS,
        )

    def _turn(self, request, province, day):
        national = national_calendar()
        national_working = national.is_working_day(day)
        if national_working == (day.weekday() < 5):
            # Not a day of the national list: the add form says what the day is.
            self.message_user(
                request,
                _("Ngày %(day)s không có trong lịch quốc gia: dùng “Thêm ngày nghỉ / ngày làm bù”.")
                % {"day": f"{day:%d/%m/%Y}"},
                messages.ERROR,
            )
            return
        name = national.get(day) or _make_up_names(day.year).get(day, "")
        if national_working:
            kind = DayKind.DAY_OFF
            text = _("Tỉnh điều chỉnh thành ngày nghỉ — lịch quốc gia: %(name)s")
        else:
            kind = DayKind.WORKING_DAY
            text = _("Tỉnh điều chỉnh thành ngày làm việc — lịch quốc gia: %(name)s")
        correction = CalendarDay(province=province, day=day, kind=kind, name=text % {"name": name})
        try:
            services.calendar_day_save(day=correction, actor=request.user)
        except ValidationError:
            self.message_user(
                request,
                _("Ngày %(day)s đã có điều chỉnh của tỉnh; tải lại trang để xem.")
                % {"day": f"{day:%d/%m/%Y}"},
                messages.ERROR,
            )
            return
        self.log_addition(request, correction, [{"added": {}}])
        self.message_user(
            request,
            _("Đã chuyển ngày %(day)s thành %(kind)s. Thời hạn các hồ sơ liên quan được tính lại.")
            % {
                "day": f"{day:%d/%m/%Y}",
                "kind": _("ngày nghỉ") if kind == DayKind.DAY_OFF else _("ngày làm việc"),
            },
            messages.SUCCESS,
        )
