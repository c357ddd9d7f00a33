from django.urls import path

from minsheng.maps import views

app_name = "maps"
urlpatterns = [
    path("plans/<int:pk>/boundary.geojson", views.plan_boundary, name="boundary"),
    path("projects/<int:pk>/sites/", views.project_sites, name="project_sites"),
]
