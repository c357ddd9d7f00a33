from django.urls import path

from minsheng.portal import views

app_name = "portal"
urlpatterns = [
    path("plans/<int:pk>/", views.plan_page, name="plan"),
    path("plans/<int:pk>/map/", views.map_page, name="map"),
    path("plans/<int:pk>/boundary.geojson", views.boundary, name="boundary"),
    path("projects/<int:pk>/", views.project_page, name="project"),
    path("projects/<int:pk>/rate/", views.rate, name="rate"),
    path("projects/<int:pk>/photos/<int:photo_pk>/", views.photo, name="photo"),
]
