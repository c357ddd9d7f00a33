"""The staff appeal list's filters: the page, the export and the API read one FilterSet, within the user's scope."""

import pytest

from minsheng.core.models import Region
from tests.helpers import login

pytestmark = pytest.mark.django_db

PAGE, EXPORT, API = "/staff/appeals/", "/staff/appeals/export.xlsx", "/api/v1/appeals/"


def _api_codes(client, params: dict) -> set[str]:
    response = client.get(API, params)
    assert response.status_code == 200
    return {row["code"] for row in response.json()["results"]}


def test_a_region_filter_naming_another_city_shows_none_of_its_appeals(client, users, make_appeal, west_lake):
    wuxi = Region.objects.get(name="无锡市")
    theirs = make_appeal("无锡市区路灯不亮，晚上出行不安全", region=wuxi)
    ours = make_appeal()

    login(client, users["coordinator"])
    page = client.get(PAGE, {"region": wuxi.pk})
    assert page.status_code == 200 and theirs.code not in page.content.decode()
    assert _api_codes(client, {"region": wuxi.pk}) == set()
    assert _api_codes(client, {"region": wuxi.pk, "q": theirs.code}) == set()
    assert _api_codes(client, {"region": west_lake.pk}) >= {ours.code}

    # The same filter finds the appeal for the one who may see it: it was the scope that hid it.
    login(client, users["wuxi"])
    assert _api_codes(client, {"region": wuxi.pk}) == {theirs.code}
    assert theirs.code in client.get(PAGE, {"region": wuxi.pk}).content.decode()


def test_page_and_api_answer_the_same_filter_alike(client, users, make_appeal):
    lamp = make_appeal("小区路灯坏了三个月没人修", phone="13900002222")
    make_appeal("希望增设公交站台", phone="13900003333")
    login(client, users["coordinator"])

    assert _api_codes(client, {"q": "路灯"}) == {lamp.code}
    page = client.get(PAGE, {"q": "路灯"}).content.decode()
    assert lamp.code in page and "公交站台" not in page
    # An unknown state or colour is ignored by both, as the page always did.
    everything = _api_codes(client, {})
    assert _api_codes(client, {"state": "no-such-state", "colour": "blue"}) == everything


@pytest.mark.parametrize(("key", "value"), [("unit", "²"), ("category", "99999999999999999999"), ("region", "-1"),
                                            ("unit", "1.5")])
def test_a_malformed_filter_is_a_400_page_and_a_json_400(client, users, key, value):
    login(client, users["coordinator"])
    for url in (PAGE, EXPORT):
        response = client.get(url, {key: value})
        assert response.status_code == 400
        assert f"参数 {key} 的值无效：{value}" in response.content.decode()
    response = client.get(API, {key: value})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert list(response.json()) == [key]
