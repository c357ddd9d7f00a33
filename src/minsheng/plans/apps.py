from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "minsheng.plans"
    verbose_name = _("年度计划")

    def ready(self) -> None:
        from minsheng.plans import permissions  # noqa: F401  (registers the app's rules)
