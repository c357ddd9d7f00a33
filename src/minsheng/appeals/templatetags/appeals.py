"""Template filters for appeal pages."""

from django import template

from minsheng.appeals import privacy

register = template.Library()


@register.filter
def scrub(text: str) -> str:
    """Mask phone and ID numbers a citizen typed into the text, for anything the public can read."""
    return privacy.mask_text(text or "")


@register.filter
def shown(text: str, private: bool) -> str:
    """``{{ a.title|shown:private }}``: masked for a reader without the right to the citizen's data."""
    return privacy.shown(text, private)
