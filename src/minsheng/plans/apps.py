from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "minsheng.plans"
    verbose_name = _("年度计划")
