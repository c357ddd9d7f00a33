from django.urls import path

from minsheng.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.open_list, name="open"),
    path("plans/<int:pk>/", views.plan_page, name="plan"),
    path("plans/<int:pk>/flags/", views.flags, name="flags"),
    path("plans/<int:pk>/congress/", views.congress, name="congress"),
    path("plans/<int:pk>/halfyear.docx", views.halfyear_report, name="halfyear"),
    path("flags/<int:pk>/lift/", views.lift, name="lift"),
    path("findings/<int:pk>/", views.finding_page, name="finding"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("questions/<int:pk>/", views.answer, name="answer"),
]
