from django.urls import path

from minsheng.progress import notice_template_views, notice_views, views

app_name = "progress"
urlpatterns = [
    path("", views.my_tasks, name="tasks"),
    path("projects/<int:project_pk>/periods/<int:period_pk>/report/", views.start_report, name="start_report"),
    path("reports/<int:pk>/", views.report_page, name="report"),
    path("reports/<int:pk>/decide/", views.report_decide, name="report_decide"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment"),
    path("plans/<int:pk>/", views.overview, name="overview"),
    path("flags/<int:pk>/decide/", views.decide_flag, name="decide_flag"),
    path("projects/<int:pk>/", views.project_progress, name="project"),
    path("notices/", notice_views.notice_index, name="notice_index"),
    path("plans/<int:pk>/notices/", notice_views.plan_notices, name="notices"),
    path("notices/<int:pk>/action/", notice_views.notice_action, name="notice_action"),
    path("plans/<int:pk>/notices/template/", notice_template_views.notice_template, name="notice_template"),
    path("plans/<int:pk>/notices/template.docx", notice_template_views.notice_template_download,
         name="notice_template_download"),
]
