"""Fixtures for appeal tests: the demo's 杭州市 with its categories, rules and accounts."""

import uuid

import pytest

from minsheng.appeals import services
from minsheng.appeals.models import AppealCategory
from minsheng.core.models import Region, Unit


@pytest.fixture
def hangzhou(db) -> Region:
    return Region.objects.get(name="杭州市")


@pytest.fixture
def west_lake(hangzhou) -> Region:
    return Region.objects.get(name="西湖区", parent=hangzhou)


@pytest.fixture
def civil_affairs(hangzhou) -> Unit:
    # The demo liaison's and reviewer's unit.
    return Unit.objects.get(region=hangzhou, name="市民政局")


@pytest.fixture
def make_appeal(west_lake):
    def make(text: str = "希望社区开设老年食堂，提供助餐服务", category: str = "help", phone: str = "13900001111",
             **kwargs):
        intake = services.Intake(
            category=AppealCategory.objects.get(code=category), region=kwargs.pop("region", west_lake),
            content=text, address=kwargs.pop("address", "西湖区文三路 1 号"), name="张三", phone=phone,
            id_number=kwargs.pop("id_number", "330106199001011234"), submission_key=uuid.uuid4(), **kwargs,
        )
        return services.submit(intake, channel="web")

    return make


@pytest.fixture
def wuxi_unit(db) -> Unit:
    """A unit of another city: an appeal of 杭州 must never be handed to it."""
    region = Region.objects.get(name="无锡市")
    return Unit.objects.get_or_create(region=region, name="无锡市民政局")[0]
