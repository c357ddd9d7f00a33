from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "minsheng.core"
    verbose_name = _("基础数据")

    def ready(self) -> None:
        from minsheng.core import permissions  # noqa: F401  (registers the app's rules)
