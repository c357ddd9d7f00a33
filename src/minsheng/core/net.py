"""The client's address, the one way every rate limit and the login lockout (django-axes) read it.

Behind reverse proxies the peer is the last proxy, and only the entries the trusted proxies
appended to X-Forwarded-For can be believed: a client can put anything at its left end. With
``MINSHENG_PROXY_COUNT`` = N proxies in front (nginx alone: 1), the client is the N-th entry
from the right; with 0 (the default, no proxy) the header is ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    # Not django-ipware's proxy_count: it counts proxies inside the header and, with two proxies,
    # answers the first proxy's address for a header of two entries (tried with python-ipware 4.1).
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    count = getattr(settings, "MINSHENG_PROXY_COUNT", 0)
    if count <= 0:
        return peer
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if not hops:
        return peer
    return _address(hops[-count] if len(hops) >= count else hops[0]) or peer


def axes_client_ip(request: HttpRequest) -> str | None:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the lockout sees the same address as every limit."""
    return client_ip(request)


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """django-axes' AXES_USERNAME_CALLABLE: the typed username, cut to what a username can be.

    Axes records every failure with the name as typed; a 2,000-character name overflowed its
    column on PostgreSQL (a server error on the login page). No account has a longer name than the
    user model allows, so the cut keeps each real name distinct."""
    from django.contrib.auth import get_user_model

    field = settings.AXES_USERNAME_FORM_FIELD
    value = credentials.get(field) if credentials else getattr(request, "data", request.POST).get(field)
    if value is None:
        return None
    return str(value)[: get_user_model()._meta.get_field("username").max_length]
