"""Template filters for appeal pages."""

from django import template

from minsheng.appeals.privacy import scrub_text

register = template.Library()


@register.filter
def scrub(text: str) -> str:
    """Mask phone and ID numbers a citizen typed into the text, for anything the public can read."""
    return scrub_text(text or "")
