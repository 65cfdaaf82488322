"""Case types: the kinds of request of the seed's "tipos de casos", each with an impact."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.accounts.models import Department
from atiende.services.models import Impact
from atiende.translated_fields import localized


class CaseType(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    impact = models.CharField(_("impact"), max_length=10, choices=Impact.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="case_types",
        verbose_name=_("default department"),
    )
    customer_selectable = models.BooleanField(_("customers may choose it"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("case type")
        verbose_name_plural = _("case types")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")
