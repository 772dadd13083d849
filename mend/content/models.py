from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from mend.content import linkcheck
from mend.content.blocks import BodyBlock
from mend.core.models import LeadVideo
from mend.core.models import validate_video_url as validate_video_url  # old migrations
from mend.core.pagecache import CACHE_HEADER

ARTICLES_PER_PAGE = 10
RELATED_COUNT = 3


class CachedPageMixin:
    """Anonymous readers get this page from the page cache (mend.core.pagecache)."""

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().serve(request, *args, **kwargs)  # type: ignore[misc]
        if request.method == "GET" and not request.user.is_authenticated:
            response[CACHE_HEADER] = "store"
        return response


def live_articles() -> QuerySet[ArticlePage]:
    return ArticlePage.objects.live().public().select_related("author").order_by("-date", "-pk")


class HomePage(CachedPageMixin, Page):  # type: ignore[misc]
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["content.ArticleIndexPage"]
    max_count = 1

    def route(self, request: HttpRequest, path_components: list[str]) -> RouteResult:
        if path_components:
            # The article section, fetched as itself: one query instead of two.
            index = ArticleIndexPage.objects.child_of(self).filter(slug=path_components[0]).first()
            if index is not None:
                index._cached_parent_obj = self
                return index.route(request, path_components[1:])
        return super().route(request, path_components)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["latest"] = live_articles()[:6]
        return context


class ArticleIndexPage(CachedPageMixin, Page):  # type: ignore[misc]
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.ArticlePage"]

    def route(self, request: HttpRequest, path_components: list[str]) -> RouteResult:
        if len(path_components) != 1:
            return super().route(request, path_components)
        # One query for the article, instead of a generic page and then its specific row.
        article = (
            ArticlePage.objects.child_of(self)
            .select_related("author")
            .filter(slug=path_components[0], live=True)
            .first()
        )
        if article is None:
            raise Http404
        article._cached_parent_obj = self
        return RouteResult(article)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        articles = live_articles().descendant_of(self)
        tag = None
        tag_slug = request.GET.get("tag", "")
        if tag_slug:
            tag = Tag.objects.filter(slug=tag_slug).first()
            articles = articles.filter(tags=tag) if tag else articles.none()
        context.update(
            articles=paginate(articles, request.GET.get("page")),
            tag=tag,
            tag_slug=tag_slug,
            pager_query=urlencode({"tag": tag_slug}) if tag_slug else "",
        )
        return context


def paginate(items: QuerySet[Any], number: str | None) -> PaginatorPage:
    """One page of items; a missing, malformed or out-of-range number gives the nearest page."""
    return Paginator(items, ARTICLES_PER_PAGE).get_page(number)


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "content.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ArticlePage(CachedPageMixin, LeadVideo, Page):  # type: ignore[misc]
    standfirst = models.TextField(
        max_length=400,
        help_text="One or two sentences under the title.",
        validators=[linkcheck.check_text],
    )
    date = models.DateField("publish date", default=timezone.localdate)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = StreamField(BodyBlock())
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("standfirst"),
        FieldPanel("date"),
        FieldPanel("author"),
        MultiFieldPanel(
            [
                FieldPanel("video_url"),
                FieldPanel("video_file"),
                FieldPanel("video_captions"),
                FieldPanel("video_poster"),
                FieldPanel("video_title"),
            ],
            heading="Lead video",
        ),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("standfirst", boost=2),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name", boost=3)]),
        index.FilterField("date"),
    ]
    parent_page_types = ["content.ArticleIndexPage"]
    subpage_types: list[str] = []
    accepts_comments = True

    class Meta:
        verbose_name = "article"

    @cached_property
    def tag_list(self) -> list[Tag]:
        return list(self.tags.all())

    def related_articles(self) -> list[ArticlePage]:
        """Other live articles, most tags in common first, then the newest."""
        tag_ids = [tag.pk for tag in self.tag_list]
        candidates = live_articles().exclude(pk=self.pk)
        if tag_ids:
            candidates = candidates.annotate(
                shared=Count("tagged_items", filter=Q(tagged_items__tag_id__in=tag_ids))
            ).order_by("-shared", "-date", "-pk")
        return list(candidates[:RELATED_COUNT])

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["related"] = self.related_articles()
        return context
