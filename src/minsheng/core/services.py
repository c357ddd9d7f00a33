"""Writes into core that later stages make: a unit or an account they need for a region.

Regions, units and people named in a plan document are resolved (and created) by ``core.resolve``.
"""

from __future__ import annotations

from minsheng.core.models import Region, Unit, User


def get_or_create_unit(region: Region, name: str, kind: str) -> Unit:
    """The unit of that name in the region, created with ``kind`` if it is not there."""
    unit, _created = Unit.objects.get_or_create(region=region, name=name, defaults={"kind": kind})
    return unit


def get_or_create_account(username: str, defaults: dict) -> User:
    """The account named ``username``; a new one gets ``defaults`` and no usable password (nobody logs in as it)."""
    user, created = User.objects.get_or_create(username=username, defaults=defaults)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
