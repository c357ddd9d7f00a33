from django.urls import path

from minsheng.cockpit import views

app_name = "cockpit"
urlpatterns = [
    path("", views.index, name="index"),
    path("plans/<int:pk>/", views.plan_cockpit, name="plan"),
]
