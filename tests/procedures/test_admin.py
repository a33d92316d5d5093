"""Administrators edit the alternative groups and the declaration flag in the procedure's inline."""

import pytest
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from procedures.models import RequiredDocument

pytestmark = pytest.mark.django_db


def change_form_data(response) -> dict:
    """The change form's POST as the browser would send it unchanged."""
    data = {}

    def add(form, prefix=""):
        for name in form.fields:
            value = form[name].value()
            key = f"{prefix}{name}"
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            elif isinstance(value, FieldFile):
                continue  # files are not sent again
            else:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = str(management[name].value())
        for form in formset.forms:
            add(form, prefix=f"{form.prefix}-")
    return data


def test_alternative_groups_are_edited_and_checked_in_the_inline(
    admin_client, catalogue, birth_alternatives
):
    url = reverse("admin:procedures_procedure_change", args=[catalogue["khai_sinh"].pk])
    response = admin_client.get(url)
    body = response.content.decode()
    assert "Nhóm thay thế" in body and "Là tờ khai" in body
    data = change_form_data(response)
    documents = list(catalogue["khai_sinh"].documents.order_by("order", "pk"))
    index = {document.pk: i for i, document in enumerate(documents)}
    witness = index[birth_alternatives["witness"].pk]
    commitment = index[birth_alternatives["commitment"].pk]

    # The certificate alone in its group: refused, nothing saved.
    for i in (witness, commitment):
        del data[f"documents-{i}-alternative_group"]
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Nhóm thay thế 1 chỉ có một giấy tờ" in response.content.decode()
    assert RequiredDocument.objects.filter(alternative_group=1).count() == 3

    # The commitment back in the group with the certificate: saved.
    data[f"documents-{commitment}-alternative_group"] = "1"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"]
    assert set(
        RequiredDocument.objects.filter(alternative_group=1).values_list("name", flat=True)
    ) == {"Giấy chứng sinh", "Giấy cam đoan về việc sinh"}
