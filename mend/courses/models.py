"""Courses: Wagtail pages for the catalogue, a course, its modules and lessons, and the
learner's enrolment and progress.

The page tree is the outline: catalogue → course → module → lesson, in the
tree's order. Only lessons marked as a preview are served by Wagtail to the
public (from the course's sales page); every other lesson is read at
/learn/<course>/<lesson>/, which checks the enrolment first.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from mend.care.models import Episode, patients_opened_by
from mend.content.blocks import BodyBlock
from mend.content.models import CachedPageMixin
from mend.core.models import LeadVideo
from mend.core.roles import is_clinician
from mend.core.zones import default_time_zone, validate_time_zone
from mend.courses import release
from mend.outcomes.instruments import INSTRUMENTS

QUESTIONNAIRE_CHOICES = [
    ("", "None"),
    *sorted(((code, item.name) for code, item in INSTRUMENTS.items()), key=lambda c: c[1]),
]


def default_currency() -> str:
    return str(getattr(settings, "MEND_CURRENCY", "USD"))


def validate_currency(value: str) -> None:
    from mend.payments import money  # payments sits below courses; loaded when validating

    if value != value.upper() or not money.is_currency(value):
        raise ValidationError(f"{value!r} is not an ISO 4217 currency code Mend knows (e.g. USD).")


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class CourseIndexPage(CachedPageMixin, Page):  # type: ignore[misc]
    """The catalogue, at /courses/."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = "course catalogue"

    def courses(self) -> QuerySet[CoursePage]:
        return (
            CoursePage.objects.child_of(self)
            .live()
            .public()
            .select_related("cover_image", "instructor")
            .order_by("path")
        )

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = self.courses()
        return context


class CoursePage(CachedPageMixin, Page):  # type: ignore[misc]
    """A course's sales page: outline, preview lessons, price, instructor, what is included."""

    summary = models.TextField(max_length=400, help_text="One or two sentences under the title.")
    cover_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cover_alt = models.CharField(
        "cover image's alternative text",
        max_length=250,
        blank=True,
        help_text="What the cover shows, for people who cannot see it. Required with a cover.",
    )
    description = StreamField(BodyBlock(), blank=True, help_text="The rest of the sales page.")
    instructor = models.ForeignKey(
        "booking.Clinician",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
        help_text="A clinician of the practice: learners can book a visit with them.",
    )
    instructor_name = models.CharField(
        max_length=120, blank=True, help_text="Or the instructor's name, if not a clinician here."
    )
    instructor_bio = models.TextField(blank=True)
    price = models.DecimalField(
        max_digits=12,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="0 for a free course.",
    )
    currency = models.CharField(
        max_length=3, default=default_currency, validators=[validate_currency]
    )
    included = models.TextField(
        "what is included", blank=True, help_text="One item a line, e.g. “12 short videos”."
    )
    questionnaire = models.CharField(
        "questionnaire at enrolment",
        max_length=20,
        choices=QUESTIONNAIRE_CHOICES,
        blank=True,
        help_text="Asked when the learner joins, to measure where they start. The ODI is "
        "asked only where its licensed text is loaded; otherwise the NPRS and PSFS are.",
    )
    certificate = models.BooleanField(
        "certificate of completion",
        default=False,
        help_text="Learners who finish every lesson can download a certificate (PDF).",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("cover_image"), FieldPanel("cover_alt")], heading="Cover image"
        ),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("instructor"), FieldPanel("instructor_name"), FieldPanel("instructor_bio")],
            heading="Instructor",
        ),
        MultiFieldPanel([FieldPanel("price"), FieldPanel("currency")], heading="Price"),
        FieldPanel("included"),
        FieldPanel("questionnaire"),
        FieldPanel("certificate"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary", boost=2)]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.CourseModulePage"]

    class Meta:
        verbose_name = "course"

    def clean(self) -> None:
        super().clean()
        if self.cover_image_id and not self.cover_alt.strip():
            raise ValidationError(
                {"cover_alt": "Describe the cover image for people who cannot see it."}
            )

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def instructor_display(self) -> str:
        if self.instructor is not None:
            return self.instructor.full_name()
        return self.instructor_name

    @property
    def instructor_about(self) -> str:
        if self.instructor_bio or self.instructor is None:
            return self.instructor_bio
        return self.instructor.bio

    def included_list(self) -> list[str]:
        return lines(self.included)

    def modules(self) -> list[CourseModulePage]:
        return list(CourseModulePage.objects.child_of(self).live().order_by("path"))

    def lessons(self) -> QuerySet[LessonPage]:
        """Every live lesson of the course, in the outline's order."""
        return LessonPage.objects.descendant_of(self).live().order_by("path")

    def learn_url(self) -> str:
        return reverse("courses:course", args=[self.slug])

    def outline(self) -> list[tuple[CourseModulePage, list[LessonPage]]]:
        """The modules with their live lessons, as the sales page lists them."""
        lessons = list(self.lessons())
        return [
            (module, [lesson for lesson in lessons if lesson.path.startswith(module.path)])
            for module in self.modules()
        ]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        outline = self.outline()
        context.update(
            outline=outline,
            lesson_count=sum(len(lessons) for _, lessons in outline),
            # Anonymous readers get the page from the shared cache: whether they are
            # enrolled is never part of it (signed-in readers bypass the cache).
            enrolment=(
                self.enrolments.filter(user=request.user).first()
                if request.user.is_authenticated
                else None
            ),
        )
        return context


class CourseModulePage(Page):  # type: ignore[misc]
    """A part of a course; its lessons are its children, in order."""

    intro = models.TextField(blank=True)
    questionnaire = models.CharField(
        "questionnaire at the end",
        max_length=20,
        choices=QUESTIONNAIRE_CHOICES,
        blank=True,
        help_text="Asked once the learner has done every lesson of this module. The ODI is "
        "asked only where its licensed text is loaded; otherwise the NPRS and PSFS are.",
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("questionnaire")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = "course module"

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect(self.get_parent().url)


class LessonPageForm(WagtailAdminPageForm):
    """A lesson's learner address is /learn/<course>/lessons/<slug>/: its slug must be the
    only one in the course, not just among its module's lessons."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        slug = cleaned.get("slug")
        course = CoursePage.objects.ancestor_of(self.parent_page, inclusive=True).first()
        if slug and course is not None:
            same = LessonPage.objects.descendant_of(course).filter(slug=slug)
            if self.instance.pk:
                same = same.exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error("slug", "Another lesson of this course has this slug.")
        return cleaned


class LessonPage(LeadVideo, Page):  # type: ignore[misc]
    class Release(models.TextChoices):
        ENROLMENT = release.Rule.ENROLMENT.value, "Days after enrolment"
        DATE = release.Rule.DATE.value, "On a date"
        PREVIOUS = release.Rule.PREVIOUS.value, "Once the previous lesson is done"

    summary = models.CharField(max_length=250, blank=True, help_text="One line in the outline.")
    body = StreamField(BodyBlock(), blank=True)
    program = models.ForeignKey(
        "exercises.Program",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"is_template": True},
        help_text="A program template: the learner does it in the player, and a logged session "
        "marks the lesson done.",
    )
    is_preview = models.BooleanField(
        "free preview",
        default=False,
        help_text="Anyone can watch and read this lesson from the course page without joining.",
    )
    release_rule = models.CharField(
        max_length=10, choices=Release.choices, default=Release.ENROLMENT
    )
    release_days = models.PositiveSmallIntegerField(
        "days after enrolment", default=0, help_text="0: open at once."
    )
    release_date = models.DateField(null=True, blank=True, help_text="For “On a date”.")
    books_visit = models.BooleanField(
        "see a physical therapist",
        default=False,
        help_text="The lesson ends with a link to book a visit (with the course's instructor "
        "if they are a clinician here).",
    )
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("video_url"),
                FieldPanel("video_file"),
                FieldPanel("video_captions"),
                FieldPanel("video_poster"),
                FieldPanel("video_title"),
            ],
            heading="Video",
        ),
        FieldPanel("body"),
        FieldPanel("program"),
        FieldPanel("books_visit"),
        FieldPanel("duration_minutes"),
        MultiFieldPanel(
            [
                FieldPanel("is_preview"),
                FieldPanel("release_rule"),
                FieldPanel("release_days"),
                FieldPanel("release_date"),
            ],
            heading="Access",
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["courses.CourseModulePage"]
    subpage_types: list[str] = []
    base_form_class = LessonPageForm

    class Meta:
        verbose_name = "lesson"

    def clean(self) -> None:
        super().clean()
        if self.release_rule == self.Release.DATE and self.release_date is None:
            raise ValidationError({"release_date": "Choose the date the lesson opens."})
        if self.program_id and not self.program.is_template:
            raise ValidationError({"program": "Choose a program template."})

    def course(self) -> CoursePage:
        found = CoursePage.objects.ancestor_of(self).first()
        if found is None:
            raise Http404
        return found

    def learn_url(self) -> str:
        return reverse("courses:lesson", args=[self.course().slug, self.slug])

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Only a preview lesson is public; the rest is read where the enrolment is checked.
        Editors' previews (Wagtail's serve_preview) show every lesson."""
        if not self.is_preview and not getattr(request, "is_preview", False):
            return redirect(self.learn_url())
        response: HttpResponse = super().serve(request, *args, **kwargs)
        return response

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context.update(course=self.course(), preview=True)
        return context


# The learner's side.


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def visible_to(self, user: Any) -> EnrolmentQuerySet:
        """Their own; a clinician's patients in an episode that grants access; staff with
        courses.view_enrolment."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.has_perm("courses.view_enrolment"):
            return self.all()
        rule = Q(user=user) | Q(user__in=patients_opened_by(user))
        if is_clinician(user):
            rule |= Q(user__in=Episode.objects.granting(user).values("patient_id"))
        return self.filter(rule)

    def active(self) -> EnrolmentQuerySet:
        return self.filter(revoked_at__isnull=True)


class Enrolment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="enrolments")
    enrolled_at = models.DateTimeField()
    order_line = models.ForeignKey(
        "payments.OrderLine",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The order line it was bought with; empty for a free course joined directly.",
    )
    is_free = models.BooleanField(default=False, help_text="Joined a free course, no order.")
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="Access ended (the order was refunded)."
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    last_lesson = models.ForeignKey(
        LessonPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    time_zone = models.CharField(
        max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["-enrolled_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                name="enrolment_once_per_course",
                violation_error_message="You are already enrolled in this course.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class LessonProgressQuerySet(models.QuerySet["LessonProgress"]):
    def visible_to(self, user: Any) -> LessonProgressQuerySet:
        return self.filter(enrolment__in=Enrolment.objects.visible_to(user))


class LessonProgress(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="progress")
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    assignment = models.ForeignKey(
        "exercises.Assignment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lesson_progress",
        help_text="The learner's own copy of the lesson's program.",
    )

    objects = LessonProgressQuerySet.as_manager()

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="lesson_progress_once")
        ]

    def __str__(self) -> str:
        return f"{self.lesson} for {self.enrolment.user}"


class CourseQuestionnaire(models.Model):
    """A questionnaire a course asks its learner: at enrolment or at a module's end.

    Outside an episode of care: the course measures itself for the learner, and
    no clinician sees the answers unless the learner is in their care.
    """

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="questionnaires"
    )
    module = models.ForeignKey(
        CourseModulePage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty: asked at enrolment.",
    )
    instrument = models.CharField(max_length=20, choices=QUESTIONNAIRE_CHOICES[1:])
    due_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    psfs_activities = models.JSONField(default=list, blank=True)
    scores = models.JSONField(default=dict, blank=True)
    unscorable = models.JSONField(default=dict, blank=True)
    instrument_version = models.CharField(max_length=40, blank=True)
    scoring_version = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "module", "instrument"],
                name="course_questionnaire_once_per_module",
            ),
            models.UniqueConstraint(
                fields=["enrolment", "instrument"],
                condition=Q(module__isnull=True),
                name="course_questionnaire_once_at_enrolment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} for {self.enrolment}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


def lesson_opens(
    lesson: LessonPage, *, enrolment: Enrolment, previous_done: bool, now: dt.datetime
) -> release.Release:
    return release.release(
        lesson.release_rule,
        days=lesson.release_days,
        on=lesson.release_date,
        enrolled_at=enrolment.enrolled_at,
        previous_done=previous_done,
        zone=enrolment.zone,
        now=now,
    )
