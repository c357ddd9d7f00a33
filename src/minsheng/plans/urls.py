from django.urls import path

from minsheng.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/export.json", views.plan_export, name="plan_export"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
]
