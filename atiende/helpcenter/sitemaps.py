from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from atiende.services.models import SupportPlan


class HelpCenterSitemap(Sitemap):
    def items(self) -> list[str]:
        return ["helpcenter:home", "helpcenter:plans", "helpcenter:sales_chat"]

    def location(self, item: str) -> str:
        return reverse(item)


class PlanSitemap(Sitemap):
    def items(self):  # type: ignore[no-untyped-def]
        return SupportPlan.objects.order_by("level")

    def location(self, plan: SupportPlan) -> str:
        return reverse("helpcenter:plan_detail", args=[plan.level])
