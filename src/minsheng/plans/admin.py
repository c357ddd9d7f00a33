from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from minsheng.core.admin_site import ScopedAdmin
from minsheng.core.permissions import coordinated_regions
from minsheng.plans.models import Allocation, Funding, Milestone, Plan, Project, ProjectUnit, Site, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0
    raw_id_fields = ["region"]


class UnitLinkInline(admin.TabularInline):
    model = ProjectUnit
    extra = 0
    raw_id_fields = ["unit"]


class FundingInline(admin.StackedInline):
    model = Funding
    extra = 0


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


@admin.register(Plan)
class PlanAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ["title", "region", "year", "doc_number", "status"]
    list_filter = ["year", "status"]
    search_fields = ["title", "doc_number"]

    def scope_queryset(self, request, queryset):
        if request.user.is_superuser:
            return queryset
        return queryset.filter(region_id__in=coordinated_regions(request.user))


@admin.register(Project)
class ProjectAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "plan", "ref", "category", "deadline", "public"]
    list_filter = ["plan", "public"]
    search_fields = ["name", "content"]
    inlines = [UnitLinkInline, TargetInline, MilestoneInline, AllocationInline, FundingInline, SiteInline]
    raw_id_fields = ["parent"]

    def scope_queryset(self, request, queryset):
        if request.user.is_superuser:
            return queryset
        return queryset.filter(plan__region_id__in=coordinated_regions(request.user))
