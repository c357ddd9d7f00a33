"""What of an appeal each reader may see.

The masking itself is core.pii's (one implementation for the whole project); this module decides
which text of an appeal goes through it. Readers without ``appeals.view_contact`` (leaders,
deputies, the public, an export without personal data) get every free text masked; the public
reads an appeal's approved publication when it has one.
"""

from __future__ import annotations

from dataclasses import dataclass

from minsheng.core.pii import mask_id_number, mask_name, mask_phone, mask_text, normalise_phone

__all__ = ["PublicText", "mask_id_number", "mask_name", "mask_phone", "mask_text", "masked_text",
           "normalise_phone", "public_text", "shown"]


def shown(text: str, private: bool) -> str:
    """``text`` as a reader sees it: masked when the reader has no right to the citizen's data."""
    return mask_text(text or "") if private else (text or "")


@dataclass(frozen=True)
class PublicText:
    title: str
    content: str
    answer: str
    address: str
    approved: bool


def public_text(appeal) -> PublicText:
    """The text an anonymous reader gets: the coordinator's approved version while it is live,
    otherwise the appeal's own text with every number masked."""
    publication = getattr(appeal, "publication", None)
    if publication is not None and publication.live:
        return PublicText(mask_text(publication.title), mask_text(publication.content),
                          mask_text(publication.answer), mask_text(appeal.address), approved=True)
    return masked_text(appeal)


def masked_text(appeal) -> PublicText:
    """The appeal's own text with every number masked: what its tracking code reads."""
    return PublicText(mask_text(appeal.title), mask_text(appeal.content), mask_text(appeal.answer),
                      mask_text(appeal.address), approved=False)
