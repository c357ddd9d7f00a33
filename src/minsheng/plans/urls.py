from django.urls import path

from minsheng.plans import import_views, views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/export.json", views.plan_export, name="plan_export"),
    path("plans/<int:pk>/settings/", views.plan_settings, name="plan_settings"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/links/", views.project_links, name="project_links"),
    path("imports/new/", import_views.import_new, name="import_new"),
    path("imports/<int:pk>/", import_views.import_preview, name="import_preview"),
    path("imports/<int:pk>/projects/<int:index>/", import_views.import_project, name="import_project"),
    path("imports/<int:pk>/save/", import_views.import_save, name="import_save"),
    path("imports/<int:pk>/discard/", import_views.import_discard, name="import_discard"),
]
