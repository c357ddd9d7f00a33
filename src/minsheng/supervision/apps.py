from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "minsheng.supervision"
    verbose_name = _("督查整改")

    def ready(self) -> None:
        from minsheng.supervision import permissions  # noqa: F401  (registers the app's rules)
