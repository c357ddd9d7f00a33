from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "minsheng.cockpit"
    verbose_name = _("领导驾驶舱")

    def ready(self) -> None:
        from minsheng.cockpit import permissions  # noqa: F401  (registers the app's rules)
