from rest_framework.routers import DefaultRouter

from minsheng.api.views import PlanViewSet, ProjectViewSet

router = DefaultRouter()
router.register("plans", PlanViewSet, basename="plan")
router.register("projects", ProjectViewSet, basename="project")
urlpatterns = router.urls
