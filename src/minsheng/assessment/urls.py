from django.urls import path

from minsheng.assessment import views

app_name = "assessment"
urlpatterns = [
    path("plans/<int:pk>/", views.plan_page, name="plan"),
    path("plans/<int:pk>/compute/", views.compute, name="compute"),
    path("plans/<int:pk>/scheme/", views.scheme, name="scheme"),
    path("plans/<int:pk>/adjust/", views.adjust, name="adjust"),
    path("plans/<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("plans/<int:pk>/surveys/", views.surveys, name="surveys"),
    path("runs/<int:pk>.<str:fmt>", views.export, name="export"),
]

public = [
    path("<int:pk>/", views.public_survey, name="answer"),
]
