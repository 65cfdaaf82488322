"""Forms of the knowledge base: reader feedback and the console editor."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from atiende.accounts.models import User
from atiende.accounts.roles import GROUP_NAMES
from atiende.kb.actions import ArticleContent, ArticleDetails
from atiende.kb.models import Article, Category, Language

_CASE_TYPE = re.compile(r"^[a-z0-9_]{1,60}$")


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
    )
    comment = forms.CharField(
        label=_("Tell us more (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:  # type: ignore[override]
        return f"{obj.parent.name} › {obj.name}" if obj.parent else obj.name


def _staff_users() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True)
        .filter(groups__name__in=GROUP_NAMES.values())
        .distinct()
        .order_by("full_name", "email")
    )


class ArticleForm(forms.Form):
    """Content and bookkeeping of an article, as the editor shows them."""

    title = forms.CharField(label=_("Title"), max_length=200)
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=Category.objects.select_related("parent").order_by(
            "parent__position", "parent__name_es", "position", "name_es"
        ),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    visibility = forms.ChoiceField(label=_("Visible to"), choices=Article.Visibility.choices)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        required=False,
        help_text=_("One or two sentences for search results and search engines."),
    )
    body = forms.CharField(
        label=_("Body"),
        widget=forms.Textarea(attrs={"rows": 20, "class": "kb-editor-body"}),
        help_text=_("Markdown: ## for sections, - for lists, **bold**, [text](link)."),
    )
    case_types = forms.CharField(
        label=_("Case types"),
        required=False,
        help_text=_("Codes separated by commas, e.g. dns_configuration, service_down."),
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    last_reviewed_on = forms.DateField(
        label=_("Last reviewed"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    translation_key = forms.CharField(
        label=_("Translation key"),
        max_length=150,
        required=False,
        help_text=_("Articles in different languages with the same key are translations."),
    )
    related = forms.CharField(
        label=_("Related articles"),
        required=False,
        help_text=_("IDs of related articles separated by commas, e.g. sitio-caido.es."),
    )

    def __init__(self, *args: Any, article: Article | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.article = article
        self.fields["owner"].queryset = _staff_users()  # type: ignore[attr-defined]
        if article is not None:
            # A language version is a different article: the language is fixed.
            del self.fields["language"]

    @staticmethod
    def initial_for(article: Article) -> dict[str, Any]:
        """The form's starting values: a pending proposal, if any, else the article."""
        source = article.pending_revision or article
        return {
            "title": source.title,
            "category": source.category_id,
            "visibility": source.visibility,
            "summary": source.summary,
            "body": source.body,
            "case_types": ", ".join(source.case_types),
            "owner": article.owner_id,
            "last_reviewed_on": article.last_reviewed_on,
            "translation_key": article.translation_key,
            "related": ", ".join(
                article.related.order_by("import_id").values_list("import_id", flat=True)
            ),
        }

    def clean_case_types(self) -> tuple[str, ...]:
        codes = [code.strip() for code in self.cleaned_data["case_types"].split(",")]
        codes = [code for code in codes if code]
        bad = [code for code in codes if not _CASE_TYPE.match(code)]
        if bad:
            raise forms.ValidationError(
                _("Use lowercase codes with underscores, like dns_configuration: %(codes)s"),
                params={"codes": ", ".join(bad)},
            )
        return tuple(dict.fromkeys(codes))

    def clean_related(self) -> list[Article]:
        ids = [value.strip() for value in self.cleaned_data["related"].split(",") if value.strip()]
        found = {a.import_id: a for a in Article.objects.filter(import_id__in=ids)}
        missing = [value for value in ids if value not in found]
        if missing:
            raise forms.ValidationError(
                _("No article has the ID %(ids)s."), params={"ids": ", ".join(missing)}
            )
        return [found[value] for value in ids]

    def details(self, default_owner: User | None = None) -> ArticleDetails:
        data = self.cleaned_data
        return ArticleDetails(
            owner=data["owner"] or default_owner,
            last_reviewed_on=data["last_reviewed_on"],
            translation_key=data["translation_key"],
            related=tuple(data["related"]),
        )

    def content(self) -> ArticleContent:
        data = self.cleaned_data
        return ArticleContent(
            title=data["title"],
            body=data["body"],
            category=data["category"],
            summary=data["summary"],
            visibility=data["visibility"],
            case_types=data["case_types"],
        )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Image or PDF"),
        help_text=_("PNG, JPEG, GIF, WebP or PDF, up to 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp,application/pdf"}
        ),
    )
