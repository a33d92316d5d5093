"""What a procedure's fees come to, from its fee rules (`procedures.models.FeeRule.compute`)."""

from dataclasses import dataclass

from procedures.models import FeeRule, Procedure


@dataclass(frozen=True)
class FeeLine:
    rule: FeeRule
    label: str
    amount: int  # đồng
    note: str


def fee_lines(
    procedure: Procedure, *, copies: int = 1, pages: int = 1, online: bool = True
) -> list[FeeLine]:
    """Return each fee rule of `procedure` with its amount for `copies` copies of `pages` pages,
    at the online rate when `online` (free rules count 0)."""
    return [
        FeeLine(
            rule=rule,
            label=rule.label,
            amount=rule.compute(copies=copies, pages=pages, online=online),
            note=rule.note,
        )
        for rule in procedure.fees.all()
    ]


def fee_total(procedure: Procedure, *, copies: int = 1, pages: int = 1, online: bool = True) -> int:
    """Return the sum of `procedure`'s fees, in đồng."""
    lines = fee_lines(procedure, copies=copies, pages=pages, online=online)
    return sum(line.amount for line in lines)
