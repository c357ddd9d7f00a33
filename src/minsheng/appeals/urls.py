"""The appeal URLs, in four groups the project's urls.py mounts: public, staff, REST API, Open311."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from minsheng.appeals import api, open311, views

public = ([
    path("", views.board, name="board"),
    path("new/", views.submit, name="submit"),
    path("track/", views.track, name="track"),
    path("track/<str:code>/", views.track_detail, name="track_detail"),
], "appeals_public")

staff = ([
    path("", views.staff_list, name="list"),
    path("new/", views.staff_new, name="new"),
    path("export.xlsx", views.export, name="export"),
    path("figures/", views.figures, name="figures"),
    path("candidates/", views.candidate, name="candidate"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("<str:code>/", views.staff_detail, name="detail"),
    path("<str:code>/accept/", views.accept, name="accept"),
    path("<str:code>/reassign/", views.reassign, name="reassign"),
    path("<str:code>/sign/", views.sign, name="sign"),
    path("<str:code>/answer/", views.answer, name="answer"),
    path("<str:code>/extension/", views.extension_request, name="extension_request"),
    path("<str:code>/extension/<int:pk>/", views.extension_decide, name="extension_decide"),
    path("<str:code>/close/", views.close, name="close"),
    path("<str:code>/reopen/", views.reopen, name="reopen"),
    path("<str:code>/key-supervision/", views.key_supervision, name="key_supervision"),
    path("<str:code>/publication/", views.publish, name="publish"),
    path("<str:code>/publication/withdraw/", views.withdraw, name="withdraw"),
], "appeals")

router = SimpleRouter()
router.register("categories", api.CategoryViewSet, basename="appeal-category")
router.register("track", api.TrackViewSet, basename="appeal-track")
router.register("", api.AppealViewSet, basename="appeal")
rest = (router.urls, "appeals_api")

FMT = r"\.(?P<fmt>[a-z]+)$"
open311_urls = ([
    re_path(r"^discovery" + FMT, open311.discovery, name="discovery"),
    re_path(r"^services" + FMT, open311.service_list, name="services"),
    re_path(r"^services/(?P<code>[^/]+?)" + FMT, open311.service_definition, name="service"),
    re_path(r"^requests" + FMT, open311.requests, name="requests"),
    # The standard's text says requests/{id}; its swagger file says request/{id}. Both answer.
    re_path(r"^requests?/(?P<code>[^/]+?)" + FMT, open311.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FMT, open311.token, name="token"),
], "open311")
