"""'Tiếp nhận hồ sơ trực tiếp': the desk registers a dossier received at the counter or by post.

Two steps: the procedure, the receiving agency and the channel; then the declaration, the
applicant and the papers received (with optional scans). The dossier is accepted at once and the
officer prints Mẫu 01 for the citizen from its page.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers import services, uploads
from dossiers.constants import Channel
from dossiers.forms import REQUIRED_MESSAGE, DeclarationForm, MultipleFileField, PhoneField
from dossiers.services.walk_in import PaperDocument
from officers.constants import Role
from officers.selectors import agencies_visible, user_roles
from procedures.constants import AgencyTier, CopyType, ResultDelivery
from procedures.models import Procedure
from procedures.selectors import procedure_parts


class StartForm(forms.Form):
    thu_tuc = forms.ModelChoiceField(
        label=gettext_lazy("Thủ tục"),
        queryset=None,
        to_field_name="code",
        error_messages={
            "required": gettext_lazy("Vui lòng chọn thủ tục."),
            "invalid_choice": gettext_lazy("Cơ quan của bạn không tiếp nhận thủ tục này."),
        },
    )
    co_quan = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan tiếp nhận"),
        queryset=None,
        to_field_name="code",
        error_messages={
            "required": gettext_lazy("Vui lòng chọn cơ quan tiếp nhận."),
            "invalid_choice": gettext_lazy("Cơ quan này không thuộc phạm vi của bạn."),
        },
    )
    kenh = forms.TypedChoiceField(
        label=gettext_lazy("Hình thức nộp"),
        coerce=int,
        choices=[(Channel.IN_PERSON, Channel.IN_PERSON.label), (Channel.POST, Channel.POST.label)],
        initial=Channel.IN_PERSON,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = agencies_visible(user).filter(is_active=True).exclude(tier=AgencyTier.DEPARTMENT)
        self.fields["co_quan"].queryset = agencies.order_by("path")
        self.fields["thu_tuc"].queryset = (
            Procedure.objects.filter(is_active=True, receiving_agencies__in=agencies)
            .distinct()
            .order_by("name")
        )

    def clean(self):
        cleaned = super().clean()
        procedure, agency = cleaned.get("thu_tuc"), cleaned.get("co_quan")
        if procedure and agency and not procedure.receiving_agencies.filter(pk=agency.pk):
            raise ValidationError(_("Cơ quan này không tiếp nhận thủ tục đã chọn."))
        return cleaned


class ApplicantForm(forms.Form):
    """Who brought or sent the dossier, and how they collect the result. Name and address may
    be left blank when the declaration has the applicant's."""

    ho_ten = forms.CharField(
        label=gettext_lazy("Họ và tên người nộp"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Để trống nếu là người yêu cầu đã ghi trong tờ khai."),
    )
    dien_thoai = PhoneField(
        label=gettext_lazy("Số điện thoại di động"),
        help_text=gettext_lazy("Dùng để tra cứu hồ sơ và nhận tin nhắn."),
        error_messages={"required": REQUIRED_MESSAGE},
    )
    email = forms.EmailField(
        label=gettext_lazy("Thư điện tử"),
        required=False,
        error_messages={"invalid": gettext_lazy("Địa chỉ thư điện tử không hợp lệ.")},
    )
    dia_chi = forms.CharField(
        label=gettext_lazy("Địa chỉ"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Để trống nếu là nơi cư trú đã ghi trong tờ khai."),
    )
    nhan_ket_qua = forms.ChoiceField(
        label=gettext_lazy("Cách nhận kết quả"),
        choices=ResultDelivery.choices,
        initial=ResultDelivery.IN_PERSON,
        widget=forms.RadioSelect,
    )


class PapersForm(forms.Form):
    """One line per document of the procedure: received or not, which copy, how many, scans."""

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = list(documents)
        for document in self.documents:
            self.fields[f"nhan_{document.pk}"] = forms.BooleanField(
                label=document.name, required=False
            )
            self.fields[f"loai_{document.pk}"] = forms.ChoiceField(
                label=_("Loại bản"), choices=CopyType.choices, initial=document.copy_type
            )
            self.fields[f"so_{document.pk}"] = forms.IntegerField(
                label=_("Số bản"), min_value=1, max_value=50, initial=document.copies
            )
            self.fields[f"tep_{document.pk}"] = MultipleFileField(
                label=_("Bản quét (không bắt buộc)"), required=False
            )

    def clean(self):
        cleaned = super().clean()
        self.papers = []
        for document in self.documents:
            if not cleaned.get(f"nhan_{document.pk}"):
                if document.is_required:
                    self.add_error(
                        f"nhan_{document.pk}",
                        _("Thiếu giấy tờ bắt buộc “%(name)s”: hướng dẫn công dân bổ sung.")
                        % {"name": document.name},
                    )
                continue
            scans = []
            for upload in cleaned.get(f"tep_{document.pk}") or []:
                try:
                    scans.append(
                        uploads.inspect(
                            upload, document=document, max_mb=settings.UPLOAD_MAX_FILE_MB
                        )
                    )
                except ValidationError as error:
                    self.add_error(f"tep_{document.pk}", error)
            self.papers.append(
                PaperDocument(
                    document=document,
                    copy_type=cleaned.get(f"loai_{document.pk}") or document.copy_type,
                    copies=cleaned.get(f"so_{document.pk}") or 1,
                    scans=scans,
                )
            )
        return cleaned

    def rows(self):
        return [
            [self[f"{part}_{document.pk}"] for part in ("nhan", "loai", "so", "tep")]
            for document in self.documents
        ]


class WalkInMixin:
    """The model admin's pages for paper intake."""

    def get_urls(self):
        return [
            path(
                "tiep-nhan-truc-tiep/",
                self.admin_site.admin_view(self.walk_in_view),
                name="dossiers_dossier_walk_in",
            ),
            *super().get_urls(),
        ]

    def walk_in_view(self, request):
        if Role.RECEIVING not in user_roles(request.user):
            raise PermissionDenied
        start = StartForm(request.GET or None, user=request.user)
        if not start.is_bound or not start.is_valid():
            return self._walk_in_page(request, {"start": start})
        procedure = start.cleaned_data["thu_tuc"]
        parts = procedure_parts(procedure)
        bound = (request.POST, request.FILES) if request.method == "POST" else ()
        declaration = DeclarationForm(*bound[:1], definitions=parts.fields, prefix="tk")
        applicant = ApplicantForm(*bound[:1], prefix="lh")
        papers = PapersForm(*bound, documents=parts.documents, prefix="gt")
        forms_ = [declaration, applicant, papers]
        if request.method == "POST" and all([form.is_valid() for form in forms_]):
            try:
                event = services.dossier_receive_paper(
                    actor=request.user,
                    procedure=procedure,
                    agency=start.cleaned_data["co_quan"],
                    channel=start.cleaned_data["kenh"],
                    declaration=declaration.to_json(),
                    contact=applicant.cleaned_data,
                    documents=papers.papers,
                )
            except ValidationError as error:
                papers.add_error(None, error.messages)
            else:
                dossier = event.dossier
                slip = reverse("admin:dossiers_dossier_slip", args=[dossier.pk, "mau-01"])
                messages.success(
                    request,
                    format_html(
                        _('Đã tiếp nhận hồ sơ {}. <a href="{}" id="print-mau-01">In Mẫu 01</a>'),
                        dossier.code,
                        slip,
                    ),
                )
                return redirect(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))
        context = {
            "start": start,
            "procedure": procedure,
            "declaration": declaration,
            "applicant": applicant,
            "papers": papers,
        }
        status = 400 if any(form.errors for form in forms_) else 200
        return self._walk_in_page(request, context, status=status)

    def _walk_in_page(self, request, context, status=200):
        return TemplateResponse(
            request,
            "admin/dossiers/dossier/walk_in.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Tiếp nhận hồ sơ trực tiếp"),
                **context,
            },
            status=status,
        )
