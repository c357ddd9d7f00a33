from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "minsheng.assessment"
    verbose_name = _("年终考核")

    def ready(self) -> None:
        from minsheng.assessment import permissions  # noqa: F401  (registers the app's rules)
