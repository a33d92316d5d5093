"""The catalogue's rules across rows: alternative groups of documents."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from procedures.services import required_documents_check
from tests.factories import RequiredDocumentFactory

pytestmark = pytest.mark.django_db


def test_alternative_groups_of_the_birth_registration_are_sound(catalogue, birth_alternatives):
    required_documents_check(documents=catalogue["khai_sinh"].documents.all())


def test_a_group_of_one_document_is_refused(catalogue, birth_alternatives):
    documents = list(catalogue["khai_sinh"].documents.all())
    for document in documents:
        if document.pk in (birth_alternatives["witness"].pk, birth_alternatives["commitment"].pk):
            document.alternative_group = None
    with pytest.raises(ValidationError) as error:
        required_documents_check(documents=documents)
    assert [e.code for e in error.value.error_list] == ["alternative_alone"]
    assert error.value.messages == [
        "Nhóm thay thế 1 chỉ có một giấy tờ (“Giấy chứng sinh”): một nhóm gồm ít nhất hai giấy "
        "tờ thay thế được cho nhau."
    ]


def test_a_group_is_all_required_or_all_optional(catalogue, birth_alternatives):
    documents = list(catalogue["khai_sinh"].documents.all())
    documents[-1].alternative_group = 1  # the optional authorisation joins the required group
    with pytest.raises(ValidationError) as error:
        required_documents_check(documents=documents)
    assert [e.code for e in error.value.error_list] == ["alternative_required_mixed"]


def test_the_declaration_has_no_alternative(catalogue):
    document = RequiredDocumentFactory.build(
        procedure=catalogue["khai_sinh"], is_declaration=True, alternative_group=1
    )
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert error.value.messages == ["Tờ khai không thuộc nhóm giấy tờ thay thế."]
    with pytest.raises(IntegrityError), transaction.atomic():
        document.save()
