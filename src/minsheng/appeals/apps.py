from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "minsheng.appeals"
    verbose_name = _("群众诉求")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from minsheng.appeals import permissions  # noqa: F401  (registers the app's rules)
