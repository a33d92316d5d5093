from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from procedures import services
from procedures.models import Agency, FeeRule, Field, FormField, Procedure, RequiredDocument


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "tier", "parent", "phone", "is_active"]
    list_filter = ["tier", "is_active", "province"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["saturday_fields"]
    list_select_related = ["parent"]
    readonly_fields = ["path"]
    fieldsets = [
        (None, {"fields": ["code", "name", "tier", "parent", "path", "is_active"]}),
        (_("Liên hệ"), {"fields": ["address", "phone", "email"]}),
        (
            _("Giờ làm việc"),
            {"fields": ["weekday_sessions", "saturday_sessions", "saturday_fields"]},
        ),
        (_("Trên phiếu một cửa"), {"fields": ["slip_authority", "slip_unit", "place_name"]}),
    ]

    def save_model(self, request, obj, form, change):
        services.agency_save(agency=obj)


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    list_editable = ["order"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


class FeeRuleInline(admin.TabularInline):
    model = FeeRule
    extra = 0


class RequiredDocumentFormSet(BaseInlineFormSet):
    def clean(self):
        """Check the alternative groups across the rows that stay (the service's rule)."""
        super().clean()
        kept = [
            form.instance
            for form in self.forms
            # An untouched extra row is not saved; a row with errors is shown with them.
            if (form.instance.pk or form.has_changed())
            and not form.errors
            and not self._should_delete_form(form)
        ]
        services.required_documents_check(documents=kept)


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    formset = RequiredDocumentFormSet
    extra = 0
    fields = [
        "order",
        "name",
        "copy_type",
        "copies",
        "is_required",
        "alternative_group",
        "is_declaration",
        "condition",
        "template",
    ]


class FormFieldInline(admin.TabularInline):
    model = FormField
    extra = 0
    fields = [
        "order",
        "section",
        "name",
        "label",
        "field_type",
        "required",
        "applicant",
        "choices",
        "help_text",
    ]


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "field", "level", "processing_time_kind", "is_active"]
    list_filter = ["level", "field", "is_active", "processing_time_kind"]
    search_fields = ["code", "name", "search_name"]
    list_select_related = ["field"]
    autocomplete_fields = ["receiving_agencies", "resolving_agencies"]
    inlines = [RequiredDocumentInline, FeeRuleInline, FormFieldInline]
    readonly_fields = ["usage_count", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "name",
                    "field",
                    "level",
                    "is_active",
                    "version",
                    "effective_from",
                ]
            },
        ),
        (
            _("Cơ quan"),
            {"fields": ["receiving_agencies", "resolving_agencies", "resolving_authority"]},
        ),
        (
            _("Nội dung"),
            {"fields": ["applicants", "conditions", "steps", "result", "delivery_options"]},
        ),
        (
            _("Thời hạn giải quyết"),
            {
                "fields": [
                    "processing_time_kind",
                    "processing_days",
                    "deadline_unit",
                    "same_day_cutoff",
                    "fee_pauses_clock",
                    "processing_note",
                ]
            },
        ),
        (_("Phí, lệ phí và căn cứ pháp lý"), {"fields": ["fee_note", "legal_basis"]}),
        (_("Thống kê"), {"fields": ["usage_count", "updated_at"]}),
    ]
