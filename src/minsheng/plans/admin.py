from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from minsheng.core.admin_scope import RegionScopedAdmin, ScopedStackedInline, ScopedTabularInline
from minsheng.plans.models import Allocation, Funding, Milestone, Plan, Project, ProjectUnit, Site, Target


class TargetInline(ScopedTabularInline):
    model = Target
    extra = 0


class MilestoneInline(ScopedTabularInline):
    model = Milestone
    extra = 0


class AllocationInline(ScopedTabularInline):
    model = Allocation
    extra = 0
    raw_id_fields = ["region"]


class UnitLinkInline(ScopedTabularInline):
    model = ProjectUnit
    extra = 0
    raw_id_fields = ["unit"]


class FundingInline(ScopedStackedInline):
    model = Funding
    extra = 0


class SiteInline(ScopedTabularInline):
    model = Site
    extra = 0


@admin.register(Plan)
class PlanAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    list_display = ["title", "region", "year", "doc_number", "status"]
    list_filter = ["year", "status"]
    search_fields = ["title", "doc_number"]


@admin.register(Project)
class ProjectAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "plan", "ref", "category", "deadline", "public"]
    list_filter = ["plan", "public"]
    search_fields = ["name", "content"]
    inlines = [UnitLinkInline, TargetInline, MilestoneInline, AllocationInline, FundingInline, SiteInline]
    raw_id_fields = ["parent"]
