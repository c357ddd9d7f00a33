"""The client's address behind 0, 1 and 2 trusted proxies: a forged X-Forwarded-For never wins."""

import pytest
from django.test import RequestFactory, override_settings

from minsheng.core.net import client_ip

PEER = "10.0.0.9"


def _ip(count: int, forwarded: str | None) -> str | None:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    with override_settings(MINSHENG_PROXY_COUNT=count):
        return client_ip(RequestFactory().get("/", REMOTE_ADDR=PEER, **extra))


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "1.2.3.4", PEER),  # no proxy: the header is the client's own words
        (1, None, PEER),
        (1, "8.8.8.8", "8.8.8.8"),  # nginx appended the client it saw
        (1, "1.2.3.4, 8.8.8.8", "8.8.8.8"),  # the client forged the left entry
        (2, "1.2.3.4, 8.8.8.8", "1.2.3.4"),  # client -> proxy 8.8.8.8 -> proxy PEER
        (2, "6.6.6.6, 1.2.3.4, 8.8.8.8", "1.2.3.4"),
        (1, "not-an-address", PEER),
    ],
)
def test_client_ip_believes_only_trusted_proxies(count, forwarded, expected):
    assert _ip(count, forwarded) == expected
