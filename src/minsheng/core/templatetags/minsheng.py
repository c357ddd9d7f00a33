from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def num(value: Decimal | None) -> str:
    """A figure as printed in a plan: 227, 85.8, 1000000 — never 227.0000 or 1E+6."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    text = format(value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize(), "f")
    return text


_OP_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "=": "="}


@register.filter
def op_symbol(op: str | None) -> str:
    return _OP_SYMBOLS.get(op or ">=", op)
