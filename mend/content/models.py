from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
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
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index
from wagtail.url_routing import RouteResult

from mend.content import bodymap, linkcheck
from mend.content.blocks import BodyBlock
from mend.core import pagecache
from mend.core.models import LeadVideo
from mend.core.models import validate_video_url as validate_video_url  # old migrations
from mend.core.pagecache import CACHE_HEADER
from mend.core.regions import REGIONS
from mend.exercises.models import Exercise
from mend.safety.forms import ScreenForm
from mend.safety.services import screen_for

ARTICLES_PER_PAGE = 10
RELATED_COUNT = 3
GUIDE_TAGGED_COUNT = 6
GUIDE_EXERCISE_COUNT = 8
REGION_ORDER = {slug: position for position, (slug, _) in enumerate(REGIONS)}


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
    subpage_types = ["content.ArticleIndexPage", "content.GuidePage", "courses.CourseIndexPage"]
    max_count = 1

    def route(self, request: HttpRequest, path_components: list[str]) -> RouteResult:
        if path_components:
            # The article section, fetched as itself and kept until the next purge.
            slug = path_components[0]
            index = pagecache.remember(
                request, ("section", self.pk, slug), lambda: self._section(slug)
            )
            if index is not None:
                return index.route(request, path_components[1:])
        return super().route(request, path_components)

    def _section(self, slug: str) -> ArticleIndexPage | None:
        index = ArticleIndexPage.objects.child_of(self).filter(slug=slug).first()
        if index is not None:
            index._cached_parent_obj = self
        return index

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
        slug = path_components[0]
        article = pagecache.remember(
            request, ("article", self.pk, slug), lambda: self._article(slug)
        )
        if article is None:
            raise Http404
        return RouteResult(article)

    def _article(self, slug: str) -> ArticlePage | None:
        """The live article, as served: one query for the page and its specific row, and
        its view restrictions (which a purge also retires) read once."""
        article = (
            ArticlePage.objects.child_of(self)
            .select_related("author")
            .filter(slug=slug, live=True)
            .first()
        )
        if article is not None:
            article._cached_parent_obj = self
            article.served_view_restrictions = list(article.get_view_restrictions())
        return article

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

    # Set on the copy routing keeps for serving (ArticleIndexPage._article).
    served_view_restrictions: list[PageViewRestriction] | None = None

    @cached_property
    def tag_list(self) -> list[Tag]:
        return list(self.tags.all())

    def get_view_restrictions(self) -> Any:
        if self.served_view_restrictions is not None:
            return self.served_view_restrictions
        return super().get_view_restrictions()

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
        if getattr(request, "is_preview", False):  # a draft: nothing kept is its own
            context.update(related=self.related_articles(), body_html=self.body.render_as_block())
            return context
        context.update(
            related=pagecache.remember(request, ("related", self.pk), self.related_articles),
            # The body renders without the request (exercise blocks included): kept as HTML.
            body_html=pagecache.remember(request, ("body", self.pk), self.body.render_as_block),
        )
        return context


# The guide, "Where does it hurt?": a body map of the region pages, each region's
# red-flag screen first, then education and the way to a physical therapist.


class GuidePage(CachedPageMixin, Page):  # type: ignore[misc]
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.GuideRegionPage"]
    max_count = 1

    class Meta:
        verbose_name = "guide"

    def region_pages(self) -> list[GuideRegionPage]:
        """The live region pages in the controlled list's order, one per region."""
        pages = GuideRegionPage.objects.child_of(self).live().public().order_by("path")
        found: dict[str, GuideRegionPage] = {}
        for page in pages:
            found.setdefault(page.region, page)
        return sorted(found.values(), key=lambda page: REGION_ORDER.get(page.region, len(REGIONS)))

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        regions = self.region_pages()
        context.update(
            regions=regions,
            map_regions=[(page, bodymap.SHAPES.get(page.region, ())) for page in regions],
            map_viewbox=bodymap.viewbox(),
            map_figures=bodymap.FIGURES,
        )
        return context


class GuideRegionArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "content.GuideRegionPage", related_name="tagged_article_tags", on_delete=models.CASCADE
    )


class GuideFeaturedArticle(Orderable):
    page = ParentalKey(
        "content.GuideRegionPage", related_name="featured_articles", on_delete=models.CASCADE
    )
    article = models.ForeignKey("content.ArticlePage", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("article")]


class GuideRegionPage(CachedPageMixin, Page):  # type: ignore[misc]
    region = models.CharField(
        "body region",
        max_length=30,
        choices=REGIONS,
        help_text="Its place on the body map, and which safety questions the page asks first.",
    )
    intro = models.TextField(
        max_length=400,
        blank=True,
        help_text="One or two sentences on which part of the body this covers; shown under "
        "the title and in the guide's list.",
        validators=[linkcheck.check_text],
    )
    body = StreamField(
        BodyBlock(),
        blank=True,
        help_text="General education on pain in this region, shown after the safety questions.",
    )
    article_tags = ClusterTaggableManager(
        "article tags",
        through=GuideRegionArticleTag,
        blank=True,
        help_text="Live articles with any of these tags are listed after the featured ones.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("region"),
        FieldPanel("intro"),
        FieldPanel("body"),
        InlinePanel("featured_articles", label="Featured articles", heading="Featured articles"),
        FieldPanel("article_tags"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro", boost=2),
        index.SearchField("body"),
    ]
    parent_page_types = ["content.GuidePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "guide region"

    def clean(self) -> None:
        super().clean()
        other = GuideRegionPage.objects.filter(region=self.region).exclude(pk=self.pk).first()
        if self.region and other is not None:
            raise ValidationError(
                {"region": f"The page “{other.title}” already covers this region."}
            )

    def featured(self) -> list[ArticlePage]:
        """The featured articles that are live, in the editor's order."""
        ids = [item.article_id for item in self.featured_articles.all()]
        live = live_articles().in_bulk(ids)
        return [live[pk] for pk in dict.fromkeys(ids) if pk in live]

    def tagged(self, *, leave_out: list[ArticlePage]) -> list[ArticlePage]:
        """Other live articles with any of the page's article tags, newest first."""
        names = [tag.name for tag in self.article_tags.all()]
        if not names:
            return []
        found = live_articles().filter(tags__name__in=names).distinct()
        return list(found.exclude(pk__in=[a.pk for a in leave_out])[:GUIDE_TAGGED_COUNT])

    def exercises(self) -> list[Exercise]:
        found = Exercise.objects.filter(regions__slug=self.region).order_by("name")
        return list(found[:GUIDE_EXERCISE_COUNT])

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        screen = screen_for([self.region])
        featured = self.featured()
        context.update(
            screen=screen,
            form=ScreenForm(screen=screen) if screen else None,
            featured=featured,
            tagged=self.tagged(leave_out=featured),
            exercises=self.exercises(),
        )
        return context
