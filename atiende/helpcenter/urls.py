from django.contrib.sitemaps.views import sitemap
from django.urls import path

from atiende.helpcenter import views
from atiende.helpcenter.sitemaps import HelpCenterSitemap, PlanSitemap
from atiende.kb.sitemaps import ArticleSitemap

app_name = "helpcenter"

urlpatterns = [
    path("", views.home, name="home"),
    path("planes/", views.plans, name="plans"),
    path("planes/nivel-<int:level>/", views.plan_detail, name="plan_detail"),
    path("buscar/", views.search, name="search"),
    path("chatear-con-ventas/", views.sales_chat, name="sales_chat"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"pages": HelpCenterSitemap, "plans": PlanSitemap, "kb": ArticleSitemap}},
        name="sitemap",
    ),
]
