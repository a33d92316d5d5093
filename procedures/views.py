from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from core.pagecache import cached_page
from procedures import selectors, services
from procedures.forms import CatalogueFilterForm
from procedures.models import RequiredDocument
from procedures.text import fold

DOWNLOAD_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
}


@require_GET
@cached_page
def home(request):
    return render(
        request,
        "procedures/home.html",
        {
            "form": CatalogueFilterForm(),
            "fields": selectors.field_list_with_counts(),
            "most_used": selectors.procedure_most_used(),
            "level_counts": selectors.procedure_level_counts(),
        },
    )


@require_GET
@cached_page
def catalogue(request):
    form = CatalogueFilterForm(request.GET)
    procedures = selectors.procedure_search(filters=form.to_filter())
    page = Paginator(procedures, settings.CATALOGUE_PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "procedures/catalogue.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _procedure_or_404(code):
    procedure = selectors.procedure_detail(code=code)
    if procedure is None:
        raise Http404
    return procedure


@require_GET
@cached_page
def detail(request, code):
    procedure = _procedure_or_404(code)
    return render(
        request,
        "procedures/detail.html",
        {
            "procedure": procedure,
            "requirements": selectors.document_requirements(procedure.documents.all()),
            "receiving": selectors.procedure_receiving_summary(procedure=procedure),
        },
    )


@require_GET
def blank_form(request, code):
    procedure = _procedure_or_404(code)
    if not procedure.has_downloads or not procedure.form_fields.all():
        raise Http404
    pdf = services.procedure_blank_form_pdf(procedure=procedure)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"to-khai-{slugify(fold(procedure.name))}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def document_template(request, code, pk):
    document = get_object_or_404(
        RequiredDocument.objects.select_related("procedure"),
        pk=pk,
        procedure__code=code,
        procedure__is_active=True,
        procedure__level__gte=2,
    )
    extension = document.template_extension
    if not document.template or extension not in DOWNLOAD_TYPES:
        raise Http404
    return FileResponse(
        document.template.open("rb"),
        as_attachment=True,
        filename=f"{slugify(fold(document.name))}.{extension}",
        content_type=DOWNLOAD_TYPES[extension],
    )
