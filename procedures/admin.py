"""The catalogue in the back-office, confined to each administrator's part of it.

`procedures.scopes.catalogue_scope(user)` says what that part is (the officers app decides it
from the role and the agencies):
- a superuser manages everything, and alone the fields (lĩnh vực) and the procedures shared
  between provinces or received by no agency (the national catalogue);
- an administrator of a province agency manages that province's tree (codes, names, tiers,
  parents: a parent is chosen inside the province, never outside it, never below the unit
  itself) and the procedures that only agencies of the province receive and resolve; the
  province agency's own code, tier, parent and state stay the superuser's;
- an administrator of a ward or a department edits the contact details, office hours and slip
  headings of their agencies and the units below them, nothing else of the catalogue;
- other roles have no access.
An object outside the scope is not found (the admin redirects to its index), in every view:
change, delete, history, autocomplete, "view on site" (portal.views.admin_view_on_site).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from core.adminsafe import SafeParametersMixin
from procedures import scopes, services
from procedures.constants import AgencyTier
from procedures.models import Agency, FeeRule, Field, FormField, Procedure, RequiredDocument

# What a ward's (or a department's) administrator edits of their own agencies.
CONTACT_FIELDS = [
    "address",
    "phone",
    "email",
    "weekday_sessions",
    "saturday_sessions",
    "saturday_fields",
    "slip_authority",
    "slip_unit",
    "place_name",
]
# The tiers a province's administrator gives the units of their province.
TIERS_BELOW_PROVINCE = [AgencyTier.DISTRICT, AgencyTier.COMMUNE, AgencyTier.DEPARTMENT]


class AgencyForm(forms.ModelForm):
    """The agency's form, checked against the editing user's scope (set by the admin)."""

    catalogue_scope = scopes.CatalogueScope()

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        everything = self.catalogue_scope.everything
        if parent is None:
            if not everything:
                raise ValidationError(
                    _("Chọn cơ quan cấp trên thuộc tỉnh, thành phố mình quản lý."),
                    code="parent_required",
                )
            return parent
        if self.instance.pk and parent.path.startswith(self.instance.path):
            raise ValidationError(
                _("Cơ quan cấp trên không thể là chính cơ quan này hoặc đơn vị trực thuộc nó."),
                code="parent_below",
            )
        if not self.catalogue_scope.in_tree(parent):
            raise ValidationError(
                _("Cơ quan cấp trên phải thuộc tỉnh, thành phố mình quản lý."),
                code="parent_outside",
            )
        return parent

    def clean_tier(self):
        tier = self.cleaned_data.get("tier")
        if not self.catalogue_scope.everything and tier not in TIERS_BELOW_PROVINCE:
            raise ValidationError(
                _("Chỉ quản trị hệ thống tạo hoặc đổi cơ quan cấp tỉnh, trung ương."),
                code="tier_province",
            )
        return tier


class CatalogueAdmin(SafeParametersMixin, admin.ModelAdmin):
    def catalogue_scope(self, request) -> scopes.CatalogueScope:
        return scopes.catalogue_scope(request.user)


@admin.register(Agency)
class AgencyAdmin(CatalogueAdmin):
    form = AgencyForm
    list_display = ["code", "name", "tier", "parent", "phone", "is_active"]
    list_filter = ["tier", "is_active", ("province", admin.RelatedOnlyFieldListFilter)]
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

    def get_queryset(self, request):
        scope = self.catalogue_scope(request)
        agencies = super().get_queryset(request)
        return agencies if scope.everything else agencies.filter(scope.contacts | scope.tree)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and self.catalogue_scope(request).manages_tree()

    def has_delete_permission(self, request, obj=None):
        scope = self.catalogue_scope(request)
        if not super().has_delete_permission(request, obj) or not scope.manages_tree():
            return False
        return obj is None or scope.everything or (scope.in_tree(obj) and obj.pk not in scope.roots)

    def get_readonly_fields(self, request, obj=None):
        scope = self.catalogue_scope(request)
        if scope.everything or obj is None:
            return ["path"]
        if obj.pk in scope.roots:
            return ["code", "tier", "parent", "path", "is_active"]
        if scope.in_tree(obj):
            return ["path"]
        return [
            field
            for _title, options in self.fieldsets
            for field in options["fields"]
            if field not in CONTACT_FIELDS
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"catalogue_scope": self.catalogue_scope(request)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = self.catalogue_scope(request)
        if db_field.name == "parent" and not scope.everything:
            kwargs["queryset"] = scope.tree_agencies()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "tier" and not self.catalogue_scope(request).everything:
            kwargs["choices"] = [
                (tier.value, tier.label) for tier in AgencyTier if tier in TIERS_BELOW_PROVINCE
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.agency_save(agency=obj)


@admin.register(Field)
class FieldAdmin(CatalogueAdmin):
    """The fields (lĩnh vực) are national: the superuser's."""

    list_display = ["name", "code", "order"]
    list_editable = ["order"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


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


class ProcedureForm(forms.ModelForm):
    catalogue_scope = scopes.CatalogueScope()

    def clean_receiving_agencies(self):
        agencies = self.cleaned_data.get("receiving_agencies")
        if not self.catalogue_scope.everything and not agencies:
            # A procedure no agency of theirs receives would leave their hands (and the
            # province's part of the catalogue) on save.
            raise ValidationError(
                _("Chọn ít nhất một cơ quan tiếp nhận thuộc tỉnh, thành phố mình quản lý."),
                code="receiving_required",
            )
        return agencies


@admin.register(Procedure)
class ProcedureAdmin(CatalogueAdmin):
    form = ProcedureForm
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

    def get_queryset(self, request):
        scope = self.catalogue_scope(request)
        procedures = super().get_queryset(request)
        if scope.everything:
            return procedures
        return procedures.filter(pk__in=scope.procedures().values("pk"))

    def _manages(self, request) -> bool:
        return self.catalogue_scope(request).manages_tree()

    def has_module_permission(self, request):
        return super().has_module_permission(request) and self._manages(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._manages(request)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and self._manages(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._manages(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._manages(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"catalogue_scope": self.catalogue_scope(request)})

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        scope = self.catalogue_scope(request)
        if db_field.name in ("receiving_agencies", "resolving_agencies") and not scope.everything:
            kwargs["queryset"] = scope.tree_agencies()
        return super().formfield_for_manytomany(db_field, request, **kwargs)
