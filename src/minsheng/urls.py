from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from minsheng.appeals import urls as appeal_urls
from minsheng.assessment import urls as assessment_urls
from minsheng.core import views as core_views
from minsheng.portal import views as portal_views
from minsheng.progress import notice_views

staff = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("calendar/", core_views.calendar_year, name="calendar"),
    path("calendar/<int:year>/", core_views.calendar_year, name="calendar_year"),
    path("progress/", include("minsheng.progress.urls")),
    path("cockpit/", include("minsheng.cockpit.urls")),
    path("maps/", include("minsheng.maps.urls")),
    path("appeals/", include(appeal_urls.staff)),
    path("supervision/", include("minsheng.supervision.urls")),
    path("assessment/", include("minsheng.assessment.urls")),
    path("", include("minsheng.plans.urls")),
]

urlpatterns = [
    path("", portal_views.index, name="portal_index"),
    path("", include("minsheng.portal.urls")),
    path("notices/", notice_views.public_archive, name="public_notices"),
    path("notices/<int:pk>.<str:fmt>", notice_views.download_notice, name="notice_download"),
    path("staff/", include(staff)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("appeals/", include(appeal_urls.public)),
    path("surveys/", include((assessment_urls.public, "surveys_public"))),
    path("open311/v2/", include(appeal_urls.open311_urls)),
    path("api/v1/appeals/", include(appeal_urls.rest)),
    path("api/v1/", include("minsheng.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
]

handler400 = "minsheng.core.errors.bad_request"
handler403 = "minsheng.core.errors.permission_denied"
handler404 = "minsheng.core.errors.page_not_found"
handler500 = "minsheng.core.errors.server_error"
