import factory

from procedures.constants import AgencyTier, CopyType, FeeKind, FieldType, ServiceLevel
from procedures.models import Agency, FeeRule, Field, FormField, Procedure, RequiredDocument


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{n % 1000:03d}.{n // 1000 % 100:02d}.26.H26")
    name = factory.Sequence(lambda n: f"Phường Số {n}")
    tier = AgencyTier.COMMUNE
    address = "Số 1 phố Ngọc Lâm"
    phone = "024 3872 0000"
    email = "ubnd@hanoi.gov.vn"

    class Params:
        is_province = factory.Trait(tier=AgencyTier.PROVINCE, parent=None, name="Thành phố Hà Nội")


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"linh-vuc-{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"9.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục số {n}")
    field = factory.SubFactory(FieldFactory)
    level = ServiceLevel.PARTIAL
    processing_days = 3

    @factory.post_generation
    def receiving_agencies(self, create, extracted, **kwargs):
        if create and extracted:
            self.receiving_agencies.set(extracted)


class FeeRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeRule

    procedure = factory.SubFactory(ProcedureFactory)
    kind = FeeKind.FIXED
    amount = 10000


class RequiredDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    procedure = factory.SubFactory(ProcedureFactory)
    name = factory.Sequence(lambda n: f"Giấy tờ {n}")
    copy_type = CopyType.ORIGINAL


class FormFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormField

    procedure = factory.SubFactory(ProcedureFactory)
    name = factory.Sequence(lambda n: f"truong_{n}")
    label = factory.Sequence(lambda n: f"Trường {n}")
    field_type = FieldType.TEXT
