from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "minsheng.progress"
    verbose_name = _("进展报送")

    def ready(self) -> None:
        from minsheng.progress import permissions  # noqa: F401  (registers the app's rules)
        from minsheng.progress.plan_settings import declare

        declare()
