"""URL converters for official codes: anything else is a 404 before a query is made."""

from django.urls import register_converter


class ProcedureCodeConverter:
    regex = r"[0-9]\.[0-9]{6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class DossierCodeConverter(ProcedureCodeConverter):
    """`{agency code}-{yyMMdd}-{NNNN}`, e.g. 000.11.00.H26-261122-0001 (any case)."""

    regex = r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Za-z][0-9]{2}-[0-9]{6}-[0-9]{4,6}"


register_converter(ProcedureCodeConverter, "procedure")
register_converter(DossierCodeConverter, "dossier")
