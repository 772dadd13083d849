"""The access matrix: every URL Mend serves, for each member of the cast.

The URLs are walked from the URLconf: every pattern of Mend's own URLconfs
(mend/urls.py and each app's urls.py) and every view of Mend's own code that
is mounted in someone else's (its screens in the Wagtail admin). Wagtail's and
allauth's own pages are sampled (SAMPLED, PAGES): the admin's home and page
editor, two of Mend's admin screens made of Wagtail's views, the sign-in and
account pages, and Wagtail serving each kind of page. A URL pattern without an
entry in MATRIX fails, naming it; so does an entry whose URL is gone, and any
cell the server answers otherwise. A 200 outside CACHEABLE must say no-store.

The cast: the owner (a patient with a verified address), the clinician in
their care, another clinician (with a booking profile of their own and an
invitation out to the owner), a member of staff (a clinician) who has not set
up MFA, and an anonymous reader. Both clinicians have an authenticator app.
Everyone is signed in with force_login, which is no fresh password for
allauth: pages that ask to confirm it answer REAUTH.

The world, built once for the module at NOW: the owner booked a visit with the
clinician (which opened the episode), who assigned a program in it; the owner
logged a session with severe pain (so the sudden-onset question is open),
started a routine of their own, answered a screen, has an outcome schedule
with its baseline due, a comment awaiting moderation, an erasure request and
a legal hold; there is a waitlist offer, an account link, a calendar feed, an
article, a guide region page.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from wagtail.models import Page, Site

from mend.accounts.models import User
from mend.booking import services as booking
from mend.booking import tokens
from mend.booking.availability import Want
from mend.booking.models import (
    Appointment,
    AvailabilityRule,
    Clinician,
    Location,
    Mode,
    SlotHold,
    TimeOff,
    VisitType,
    WaitlistEntry,
    WaitlistOffer,
)
from mend.care import services as care
from mend.care.models import Episode, Flag, Invitation, ReviewTime
from mend.community.models import Comment
from mend.content.models import ArticleIndexPage, ArticlePage, GuidePage, GuideRegionPage, HomePage
from mend.core import roles
from mend.exercises import library_io
from mend.exercises import services as exercises
from mend.exercises.models import Exercise, Program, SessionLog
from mend.exercises.starter import EXERCISES
from mend.outcomes import services as outcomes
from mend.outcomes.models import Response
from mend.payments.models import Order
from mend.records.models import ErasureRequest, LegalHold
from mend.safety import services as safety
from mend.safety.models import Screen, ScreenResult

# 12:00 UTC on Monday 15 June 2026, 08:00 in New York, where the clinic is.
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
NEW_YORK = ZoneInfo("America/New_York")
PASSWORD = "correct horse battery"
STRETCH = "standing-hamstring-stretch"

CAST = ("owner", "clinician", "other_clinician", "staff_no_mfa", "anonymous")


# The world, built once for the module


@dataclass
class World:
    users: dict[str, User | None]
    episode: Episode
    program: Program
    log: SessionLog
    routine: Program
    item_pk: int
    visit: Appointment
    manage_token: str
    link_token: str
    offer_token: str
    feed_token: str
    rule: AvailabilityRule
    time_off: TimeOff
    invitation: Invitation
    flag: Flag
    screen: Screen
    screen_result: ScreenResult
    response: Response
    comment: Comment
    exercise: Exercise
    home: HomePage
    article: ArticlePage
    region: GuideRegionPage
    erasure: ErasureRequest
    hold: LegalHold
    review: ReviewTime
    waiting: WaitlistEntry


@pytest.fixture
def _staff_have_mfa() -> None:
    """The cast's clinicians have an authenticator from the world; staff_no_mfa has none
    (overrides the fixture in tests/conftest.py, which would give them one at sign-in)."""


def _user(email: str, role: str | None, *, verified: bool = False, mfa: bool = False) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if verified:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if mfa:
        TOTP.activate(user, generate_totp_secret())
    return user


def _clinic_profile(user: User, location: Location, visit_type: VisitType) -> Clinician:
    profile = Clinician.objects.create(
        user=user, display_name=f"Dr. {user.email.split('@')[0].title()}", credentials="DPT",
        time_zone="America/New_York",
    )  # fmt: skip
    profile.locations.add(location)
    profile.visit_types.add(visit_type)
    for weekday in range(5):
        AvailabilityRule.objects.create(
            clinician=profile, weekday=weekday, start_time=dt.time(9), end_time=dt.time(17),
            mode="either", location=location,
        )  # fmt: skip
    return profile


def _pages(editor: User) -> tuple[HomePage, ArticlePage, GuideRegionPage]:
    Page.objects.filter(depth=2).delete()  # Wagtail's welcome page
    home = Page.get_first_root_node().add_child(instance=HomePage(title="Mend", slug="home"))
    Site.objects.create(hostname="localhost", root_page=home, port=80, is_default_site=True)
    index = home.add_child(instance=ArticleIndexPage(title="Articles", slug="articles"))
    article = ArticlePage(
        title="Achilles pain when running", slug="achilles-pain-running", author=editor,
        standfirst="What to know.", date=dt.date(2026, 6, 1),
        body=[("paragraph", "<p>Move a little every day.</p>")],
    )  # fmt: skip
    index.add_child(instance=article)
    article.tags.add("achilles")
    article.save_revision().publish()
    guide = home.add_child(instance=GuidePage(title="Where does it hurt?", slug="guide"))
    guide.save_revision().publish()
    region = GuideRegionPage(
        title="Calf and Achilles", slug="calf-achilles", region="calf-achilles"
    )
    guide.add_child(instance=region)
    region.save_revision().publish()
    article.refresh_from_db()
    region.refresh_from_db()
    return home, article, region


def _offer(profile: Clinician, visit_type: VisitType) -> WaitlistOffer:
    """A freed time held for a waiting patient, and the offer emailed to them."""
    start = dt.datetime(2026, 6, 17, 11, 0, tzinfo=NEW_YORK)
    hold = SlotHold.objects.create(
        clinician=profile, visit_type=visit_type, mode=Mode.VIRTUAL, start=start,
        end=start + dt.timedelta(minutes=30), busy_from=start,
        busy_until=start + dt.timedelta(minutes=40), expires_at=NOW + dt.timedelta(hours=6),
    )  # fmt: skip
    entry = WaitlistEntry.objects.create(
        visit_type=visit_type, name="Pat", email="patient@mail.example", time_zone="UTC"
    )
    return WaitlistOffer.objects.create(hold=hold, entry=entry, sent_at=NOW)


def _build() -> World:
    owner = _user("patient@mail.example", roles.PATIENT, verified=True)
    clinician = _user("sam@clinic.example", roles.CLINICIAN, mfa=True)
    other_clinician = _user("lena@clinic.example", roles.CLINICIAN, mfa=True)
    staff_no_mfa = _user("desk@clinic.example", roles.CLINICIAN)
    editor = _user("editor@clinic.example", roles.EDITOR, mfa=True)
    location = Location.objects.create(
        name="Riverside PT", address="1 River Road", time_zone="America/New_York"
    )
    follow_up = VisitType.objects.create(
        name="Follow-up", slug="follow-up", duration_minutes=30, buffer_after_minutes=10,
        price=Decimal("80.00"), intake_questions="How have things been?",
    )  # fmt: skip
    profile = _clinic_profile(clinician, location, follow_up)
    _clinic_profile(other_clinician, location, follow_up)
    visit = booking.book(
        want=Want(follow_up, Mode.VIRTUAL, None, profile),
        start=dt.datetime(2026, 6, 16, 10, 0, tzinfo=NEW_YORK),
        contact=booking.Contact(name="Pat", email=owner.email, patient=owner),
        answers=[{"question": "How have things been?", "answer": "Worse on stairs"}],
        now=NOW,
    )
    episode = Episode.objects.get(patient=owner, clinician=clinician)
    library_io.import_records([record for record in EXERCISES if record["slug"] == STRETCH])
    exercise = Exercise.objects.get(slug=STRETCH)
    program = exercises.create_program(
        owner=clinician, name="Knee plan", goal="Stairs without pain", weekdays="0123456",
        sessions_per_day=1, is_template=False, now=NOW,
    )  # fmt: skip
    item = exercises.add_item(program, by=clinician, exercise=exercise, now=NOW)
    assignment = exercises.assign(
        program, by=clinician, episode=episode, start_date=NOW.date(), weeks=None,
        time_zone="UTC", note="", screen_first=False, now=NOW,
    )  # fmt: skip
    severe = exercises.log_session(  # severe pain: the sudden-onset question is asked
        assignment, by=owner, done=[1], pain_now=8, pain_during=9, effort=6, note="",
        token=uuid.uuid4(), now=NOW,
    )  # fmt: skip
    routine = exercises.start_routine(
        patient=owner, exercise=exercise, dosage=exercise.dosage, time_zone="UTC", now=NOW
    )
    screen = Screen.objects.active().get(region="")
    screen_result = safety.record(
        patient=owner, screen=screen, answers={q.key: "no" for q in screen.question_list()},
        purpose=ScreenResult.Purpose.ASSIGNED, now=NOW, episode=episode,
    )  # fmt: skip
    schedule = outcomes.attach(
        episode=episode, by=clinician, instrument="nprs", at_baseline=True,
        follow_up_weeks=[2], at_discharge=False, is_main=True, review_week=2,
        time_zone="UTC", now=NOW,
    )  # fmt: skip
    response = schedule.responses.order_by("pk").first()
    invitation = care.invite(
        clinician=other_clinician, email=owner.email, reason="Knee", region="", now=NOW
    )
    flag = care.raise_flag(episode=episode, cause=Flag.Cause.NO_CHANGE, detail="Flat", now=NOW)
    home, article, region = _pages(editor)
    comment = Comment.objects.create(
        page=article, name="Pat", email=owner.email, body="The heel drops helped.", created_at=NOW
    )
    erasure = ErasureRequest.objects.create(
        patient=owner, requested_at=NOW, due_by=NOW + dt.timedelta(days=30)
    )
    hold = LegalHold.objects.create(patient=owner, reason="Claim 12", placed_at=NOW)
    review = care.record_review(
        episode=episode, by=clinician, on=NOW.date(), minutes=10, note="Read the logs", now=NOW
    )
    offer = _offer(profile, follow_up)
    assert flag is not None and response is not None
    return World(
        users={
            "owner": owner,
            "clinician": clinician,
            "other_clinician": other_clinician,
            "staff_no_mfa": staff_no_mfa,
            "anonymous": None,
        },
        episode=episode,
        program=program,
        log=severe.log,
        routine=routine.program,
        item_pk=item.pk,
        visit=visit,
        manage_token=visit.manage_token(),
        link_token=tokens.link_token(visit.uid, owner.email),
        offer_token=offer.token(),
        feed_token=booking.create_feed(profile),
        rule=profile.rules.first(),
        time_off=TimeOff.objects.create(
            clinician=profile, start=NOW + dt.timedelta(days=20), end=NOW + dt.timedelta(days=21)
        ),
        invitation=invitation,
        flag=flag,
        screen=screen,
        screen_result=screen_result,
        response=response,
        comment=comment,
        exercise=exercise,
        home=home,
        article=article,
        region=region,
        erasure=erasure,
        hold=hold,
        review=review,
        waiting=offer.entry,
    )


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once in a transaction that is rolled back after the module; each test runs in
    a savepoint inside it, so what one request changes the next does not see."""
    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(NOW, tick=False):
            built = _build()
        yield built
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _at_now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


# The URLconf, walked


def _is_mends(module: str) -> bool:
    return module == "mend" or module.startswith("mend.")


def _walk(resolver: URLResolver, namespace: str, mends: bool) -> Iterator[tuple[str, str]]:
    """(view name, route) of every pattern Mend defines: those of Mend's own URLconfs, and
    the views Mend adds to others' (its screens in the Wagtail admin)."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            module = getattr(entry.urlconf_module, "__name__", "")
            yield from (
                (name, str(entry.pattern) + route)
                for name, route in _walk(entry, inner.lstrip(":"), _is_mends(module))
            )
        elif mends or _is_mends(getattr(entry.callback, "__module__", "")):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield (name or f"<unnamed {entry.pattern}>", str(entry.pattern))


def mend_url_names() -> dict[str, str]:
    return dict(_walk(get_resolver(), "", True))


# How each URL's parameters are filled from the world

Params = Callable[[World], dict[str, Any]]


def _pk(of: Callable[[World], Any]) -> Params:
    return lambda w: {"pk": of(w).pk}


EPISODE, PROGRAM, VISIT = _pk(lambda w: w.episode), _pk(lambda w: w.program), _pk(lambda w: w.visit)
INVITATION = _pk(lambda w: w.invitation)
ITEM: Params = lambda w: {"pk": w.program.pk, "item_pk": w.item_pk}  # noqa: E731
MANAGE: Params = lambda w: {"token": w.manage_token}  # noqa: E731


def _owners_order(w: World) -> Order:
    owner = w.users["owner"]
    order = Order.objects.filter(buyer=owner).first()
    if order is None:
        order = Order.objects.create(
            buyer=owner, email=owner.email, currency="USD", subtotal=Decimal("80.00"),
            total=Decimal("80.00"), created_at=NOW,
        )  # fmt: skip
        order.lines.create(kind="package", ref="1", description="Five visits",
                           unit_price=Decimal("80.00"), amount=Decimal("80.00"))  # fmt: skip
    return order


ORDER: Params = lambda w: {"reference": _owners_order(w).reference}  # noqa: E731
ORDER_PK: Params = lambda w: {"pk": _owners_order(w).pk}  # noqa: E731


# Courses: a paid course with a free preview and an exercise lesson, the owner enrolled
# (made in the test's savepoint, rolled back after).
def _course(w: World) -> Any:
    from mend.courses import services as courses
    from mend.courses.models import CourseIndexPage, CourseModulePage, CoursePage, LessonPage

    found = CoursePage.objects.filter(slug="low-back").first()
    if found is not None:
        return found
    catalogue = w.home.add_child(instance=CourseIndexPage(title="Courses", slug="courses"))
    catalogue.save_revision().publish()
    course = CoursePage(
        title="Low back pain at home", slug="low-back", summary="Move again.",
        price=Decimal("49.00"), currency="USD", certificate=True, questionnaire="nprs",
    )  # fmt: skip
    catalogue.add_child(instance=course)
    course.save_revision().publish()
    module = course.add_child(instance=CourseModulePage(title="Start", slug="start"))
    module.save_revision().publish()
    template = Program.objects.create(
        name="Back basics", is_template=True, owner=w.users["clinician"], created_at=NOW,
        updated_at=NOW,
    )  # fmt: skip
    template.items.create(position=1, exercise=w.exercise, dosage=w.program.items.first().dosage)
    for slug, extra in (("welcome", {"is_preview": True}), ("moving", {"program": template})):
        lesson = LessonPage(title=slug.title(), slug=slug, **extra)
        module.add_child(instance=lesson)
        lesson.save_revision().publish()
    course.refresh_from_db()
    courses.enrol(user=w.users["owner"], course=course, now=NOW)
    return course


def _lesson(w: World, slug: str) -> Any:
    return _course(w).lessons().get(slug=slug)


COURSE: Params = lambda w: {"slug": _course(w).slug}  # noqa: E731
LESSON: Params = lambda w: {"slug": _course(w).slug, "lesson_slug": "moving"}  # noqa: E731
COURSE_QUESTIONNAIRE: Params = lambda w: {  # noqa: E731
    "slug": _course(w).slug,
    "pk": _course(w).enrolments.get().questionnaires.get().pk,
}


PARAMS: dict[str, Params] = {
    "records_erasure:carry_out": _pk(lambda w: w.erasure),
    "records_erasure:do_carry_out": _pk(lambda w: w.erasure),
    "records_erasure:hold": _pk(lambda w: w.hold),
    "records_erasure:lift_hold": _pk(lambda w: w.hold),
    "care_episodes:edit": EPISODE,
    "care_episodes:delete": EPISODE,
    "care_episodes:inspect": EPISODE,
    "care_invitations:edit": INVITATION,
    "care_invitations:delete": INVITATION,
    "care_review_times:edit": _pk(lambda w: w.review),
    "care_review_times:delete": _pk(lambda w: w.review),
    "safety_screens:edit": _pk(lambda w: w.screen),
    "community_comments:approve": _pk(lambda w: w.comment),
    "community_comments:reject": _pk(lambda w: w.comment),
    "community_comments:spam": _pk(lambda w: w.comment),
    "booking_visits:edit": VISIT,
    "booking_visits:delete": VISIT,
    "booking_visits:inspect": VISIT,
    "booking_waitlist:edit": _pk(lambda w: w.waiting),
    "booking_waitlist:delete": _pk(lambda w: w.waiting),
    "community:post_comment": lambda w: {"page_id": w.article.pk},
    "care:accept": INVITATION,
    "care:decline": INVITATION,
    "care:withdraw": INVITATION,
    "care:discharge": EPISODE,
    "care:clear_flag": _pk(lambda w: w.flag),
    "outcomes:mine_episode": EPISODE,
    "outcomes:response": _pk(lambda w: w.response),
    "outcomes:answer": _pk(lambda w: w.response),
    "outcomes:clinic": EPISODE,
    "outcomes:attach": EPISODE,
    "safety:screen": lambda w: {"slug": w.screen.slug},
    "safety:clinic_episode": EPISODE,
    "exercises:detail": lambda w: {"slug": w.exercise.slug},
    "exercises:start": lambda w: {"slug": w.exercise.slug},
    "exercises:program": PROGRAM,
    "exercises:play": PROGRAM,
    "exercises:log": PROGRAM,
    "exercises:screen": _pk(lambda w: w.routine),
    "exercises:settled": PROGRAM,
    "exercises:finish": PROGRAM,
    "exercises:share": _pk(lambda w: w.routine),
    "exercises:morning_email": PROGRAM,
    "exercises:sudden": lambda w: {"pk": w.program.pk, "log_pk": w.log.pk},
    "exercises:handout": PROGRAM,
    "exercises:clinic_program": PROGRAM,
    "exercises:clinic_details": PROGRAM,
    "exercises:clinic_add_item": PROGRAM,
    "exercises:clinic_item": ITEM,
    "exercises:clinic_remove_item": ITEM,
    "exercises:clinic_move_up": ITEM,
    "exercises:clinic_move_down": ITEM,
    "exercises:clinic_assign": PROGRAM,
    "exercises:clinic_finish": PROGRAM,
    "exercises:clinic_handout": PROGRAM,
    "exercises:clinic_patient": _pk(lambda w: w.users["owner"]),
    "exercises:clinic_monitoring": EPISODE,
    "exercises:clinic_monitoring_review": EPISODE,
    "exercises:clinic_monitoring_csv": EPISODE,
    "booking:claim": lambda w: {"token": w.offer_token},
    "booking:claim_confirm": lambda w: {"token": w.offer_token},
    "booking:link_account": lambda w: {"token": w.link_token},
    "booking:link_account_confirm": lambda w: {"token": w.link_token},
    "booking:manage": MANAGE,
    "booking:manage_cancel": MANAGE,
    "booking:manage_reschedule": MANAGE,
    "booking:manage_move": MANAGE,
    "booking:manage_calendar": MANAGE,
    "booking:visit": VISIT,
    "booking:visit_cancel": VISIT,
    "booking:visit_reschedule": VISIT,
    "booking:visit_move": VISIT,
    "booking:visit_calendar": VISIT,
    "booking:mark_completed": VISIT,
    "booking:mark_no_show": VISIT,
    "booking:delete_rule": _pk(lambda w: w.rule),
    "booking:delete_time_off": _pk(lambda w: w.time_off),
    "booking:feed": lambda w: {"token": w.feed_token},
    "content:tag": lambda w: {"slug": "achilles"},
    # Checkout: an order the owner started (made in the test's savepoint, rolled back after)
    "payments:checkout": ORDER,
    "payments:coupon": ORDER,
    "payments:pay": ORDER,
    "payments:done": ORDER,
    "payments:receipt": ORDER,
    "payments_orders:edit": ORDER_PK,
    "payments_orders:delete": ORDER_PK,
    "payments_orders:inspect": ORDER_PK,
    "payments_orders:mark_paid": ORDER_PK,
    # Courses
    "courses:course": COURSE,
    "courses:join": COURSE,
    "courses:resume": COURSE,
    "courses:certificate": COURSE,
    "courses:questionnaire": COURSE_QUESTIONNAIRE,
    "courses:lesson": LESSON,
    "courses:exercises": LESSON,
    "courses:done": LESSON,
    # Wagtail's and allauth's, a few for all
    "wagtailadmin_pages:edit": lambda w: {"page_id": w.article.pk},
}

# Pages of Wagtail and allauth that stand for the rest of theirs: the admin's home and a
# page's editor, two of Mend's admin screens built from Wagtail's own views, the sign-in
# steps and account pages allauth serves, and Wagtail serving each kind of page.
SAMPLED = {
    "wagtailadmin_home",
    "wagtailadmin_pages:edit",
    "audit_log:index",
    "records_requests:index",
    "account_login",
    "account_signup",
    "account_logout",
    "account_email",
    "account_reauthenticate",
    "mfa_index",
    "mfa_activate_totp",
}
PAGES: dict[str, Callable[[World], str]] = {
    "wagtail_serve (home)": lambda w: w.home.url,
    "wagtail_serve (article)": lambda w: w.article.url,
    "wagtail_serve (guide region)": lambda w: w.region.url,
    "wagtail_serve (course catalogue)": lambda w: _course(w).get_parent().url,
    "wagtail_serve (course)": lambda w: _course(w).url,
    "wagtail_serve (preview lesson)": lambda w: _lesson(w, "welcome").url,
    "wagtail_serve (paid lesson)": lambda w: _lesson(w, "moving").url,
}


def url_of(name: str, world: World) -> str:
    if name in PAGES:
        return PAGES[name](world)
    return reverse(name, kwargs=PARAMS[name](world) if name in PARAMS else None)


# What a response is, in the matrix's words: a status, or where a 302 sends the reader

Outcome = int | str

LOGIN = "302→login"  # allauth's sign-in, which the admin's own sign-in also sends to
MFA = "302→mfa"  # setting up an authenticator app: staff without one get no further
REAUTH = "302→reauth"  # confirm the password first (the sign-ins here are not fresh)
HOME = "302→/"
TO_BOOK = "302→/book/"
LEARN_COURSE = "302→/learn/low-back/"
LEARN_MOVING = "302→/learn/low-back/lessons/moving/"
LEARN_WELCOME = "302→/learn/low-back/lessons/welcome/"
REDIRECTS = {
    "/accounts/login/": LOGIN,
    "/accounts/2fa/totp/activate/": MFA,
    "/accounts/reauthenticate/": REAUTH,
}


def outcome(response: HttpResponse) -> Outcome:
    if response.status_code != 302:
        return response.status_code
    target = response["Location"].split("?")[0]
    return REDIRECTS.get(target, f"302→{target}")


def _row(*cells: Outcome) -> dict[str, Outcome]:
    """One row, in the order of CAST: owner, clinician, other_clinician, staff_no_mfa,
    anonymous."""
    return dict(zip(CAST, cells, strict=True))


# The matrix


PUBLIC = _row(200, 200, 200, 200, 200)
ADMIN = _row(LOGIN, LOGIN, LOGIN, MFA, LOGIN)  # nobody in the cast may use the admin

# What each member of the cast gets on GET, or for a view in POST_ONLY on POST with an
# empty body. Columns: owner, clinician (in care), other_clinician, staff_no_mfa, anonymous.
MATRIX: dict[str, dict[str, Outcome]] = {
    # The public site
    "health": PUBLIC,
    "robots_txt": PUBLIC,
    "sitemap": PUBLIC,
    "wagtail_serve (home)": PUBLIC,
    "wagtail_serve (article)": PUBLIC,
    "wagtail_serve (guide region)": PUBLIC,
    "content:feed": PUBLIC,
    "content:tag": PUBLIC,
    "content:search": PUBLIC,
    "exercises:library": PUBLIC,
    "exercises:detail": PUBLIC,
    "exercises:start": _row(200, 200, 200, MFA, LOGIN),
    "safety:screen": _row(200, 200, 200, MFA, 200),
    "community:contact": _row(200, 200, 200, MFA, 200),
    "community:post_comment": _row(400, 400, 400, MFA, 400),
    "booking:book": _row(200, 200, 200, MFA, 200),
    "booking:details": _row(400, 400, 400, MFA, 400),
    "booking:waitlist": _row(TO_BOOK, TO_BOOK, TO_BOOK, MFA, TO_BOOK),
    "booking:join_waitlist": _row(404, 404, 404, MFA, 404),
    # Signing in: Wagtail's logins hand over to allauth's, and a few of allauth's pages
    "admin_login": _row(303, 303, 303, MFA, 303),
    "frontend_login": _row(303, 303, 303, MFA, 303),
    "account_login": _row(HOME, HOME, HOME, HOME, 200),
    "account_signup": _row(HOME, HOME, HOME, MFA, 200),
    "account_logout": _row(200, 200, 200, 200, HOME),
    "account_reauthenticate": _row(200, 200, 200, 200, LOGIN),
    "account_email": _row(200, 200, 200, MFA, LOGIN),
    "mfa_index": _row(200, 200, 200, 200, LOGIN),
    "mfa_activate_totp": _row(REAUTH, REAUTH, REAUTH, REAUTH, LOGIN),
    # Everyone's own pages: only the signed-in reader's rows
    "my_access": _row(200, 200, 200, MFA, LOGIN),
    "exercises:portal": _row(200, 200, 200, MFA, LOGIN),
    "care:mine": _row(200, 200, 200, MFA, LOGIN),
    "outcomes:mine": _row(200, 200, 200, MFA, LOGIN),
    "safety:mine": _row(200, 200, 200, MFA, LOGIN),
    "booking:visits": _row(200, 200, 200, MFA, LOGIN),
    "records:export": _row(REAUTH, REAUTH, REAUTH, MFA, LOGIN),
    "records:erasure": _row(REAUTH, REAUTH, REAUTH, MFA, LOGIN),
    "records:request_erasure": _row(REAUTH, REAUTH, REAUTH, MFA, LOGIN),
    # The patient's records: the owner's alone, even their clinician gets 404 here
    "exercises:program": _row(200, 404, 404, MFA, 404),
    "exercises:play": _row(200, 404, 404, MFA, 404),
    "exercises:log": _row(200, 404, 404, MFA, 404),
    "exercises:screen": _row(200, 404, 404, MFA, 404),
    "exercises:sudden": _row(200, 404, 404, MFA, 404),
    "exercises:handout": _row(200, 404, 404, MFA, 404),
    "exercises:settled": _row(303, 404, 404, MFA, 404),
    "exercises:finish": _row(303, 404, 404, MFA, 404),
    "exercises:share": _row(303, 404, 404, MFA, 404),
    "exercises:morning_email": _row(303, 404, 404, MFA, 404),
    "outcomes:mine_episode": _row(200, 404, 404, MFA, LOGIN),
    "outcomes:response": _row(200, 404, 404, MFA, LOGIN),
    "outcomes:answer": _row(400, 404, 404, MFA, 404),
    "care:accept": _row(303, 404, 404, MFA, 404),  # the invitation is the owner's to answer
    "care:decline": _row(303, 404, 404, MFA, 404),
    # The visit, signed in: its patient and the clinician in care
    "booking:visit": _row(200, 200, 404, MFA, 404),
    "booking:visit_calendar": _row(200, 200, 404, MFA, 404),
    "booking:visit_reschedule": _row(200, 200, 404, MFA, 404),
    "booking:visit_cancel": _row(400, 400, 404, MFA, 404),
    "booking:visit_move": _row(400, 400, 404, MFA, 404),
    # Secret links: the token is the key, whoever holds it (staff still need MFA first)
    "booking:manage": _row(200, 200, 200, MFA, 200),
    "booking:manage_calendar": _row(200, 200, 200, MFA, 200),
    "booking:manage_reschedule": _row(200, 200, 200, MFA, 200),
    "booking:manage_cancel": _row(400, 400, 400, MFA, 400),
    "booking:manage_move": _row(400, 400, 400, MFA, 400),
    "booking:claim": _row(200, 200, 200, MFA, 200),
    "booking:claim_confirm": _row(400, 400, 400, MFA, 400),
    "booking:link_account": _row(200, 200, 200, MFA, 200),
    "booking:link_account_confirm": _row(303, 303, 303, MFA, 303),
    "booking:feed": _row(200, 200, 200, MFA, 200),
    # Visit packages (booking): on sale to every reader; buying posts to payments:start
    "booking:packages": _row(200, 200, 200, MFA, 200),
    # The clinician's own pages: any clinician, each seeing their own
    "booking:clinic": _row(404, 200, 200, MFA, LOGIN),
    "booking:availability": _row(404, 200, 200, MFA, LOGIN),
    "booking:add_rule": _row(404, 400, 400, MFA, LOGIN),
    "booking:add_time_off": _row(404, 400, 400, MFA, LOGIN),
    "booking:delete_rule": _row(404, 303, 404, MFA, LOGIN),  # the rule is the clinician's
    "booking:delete_time_off": _row(404, 303, 404, MFA, LOGIN),
    "booking:plan": _row(404, 200, 200, MFA, LOGIN),
    "booking:plan_check": _row(404, 400, 400, MFA, LOGIN),
    "booking:plan_book": _row(404, 400, 400, MFA, LOGIN),
    "booking:create_feed": _row(404, 303, 303, MFA, LOGIN),
    "booking:revoke_feed": _row(404, 303, 303, MFA, LOGIN),
    "care:clinic": _row(404, 200, 200, MFA, 404),
    "care:invite": _row(404, 400, 400, MFA, 404),
    "care:withdraw": _row(404, 404, 303, MFA, 404),  # the invitation is the other clinician's
    "care:break_glass": _row(404, 404, 404, MFA, 404),  # admins only
    "care:open_break_glass": _row(404, 404, 404, MFA, 404),
    "exercises:clinic_programs": _row(404, 200, 200, MFA, 404),
    "exercises:clinic_program_new": _row(404, 400, 400, MFA, 404),
    "exercises:clinic_patients": _row(404, 200, 200, MFA, 404),
    # The patient's records from the clinic: the clinician in care alone
    "exercises:clinic_patient": _row(404, 200, 404, MFA, 404),
    "exercises:clinic_program": _row(404, 200, 404, MFA, 404),
    "exercises:clinic_handout": _row(404, 200, 404, MFA, 404),
    "exercises:clinic_item": _row(404, 200, 404, MFA, 404),
    "exercises:clinic_assign": _row(404, 200, 404, MFA, 404),
    "exercises:clinic_details": _row(404, 400, 404, MFA, 404),
    "exercises:clinic_add_item": _row(404, 400, 404, MFA, 404),
    "exercises:clinic_remove_item": _row(404, 303, 404, MFA, 404),
    "exercises:clinic_move_up": _row(404, 303, 404, MFA, 404),
    "exercises:clinic_move_down": _row(404, 303, 404, MFA, 404),
    "exercises:clinic_finish": _row(404, 303, 404, MFA, 404),
    "exercises:clinic_monitoring": _row(404, 200, 404, MFA, 404),
    "exercises:clinic_monitoring_csv": _row(404, 400, 404, MFA, 404),  # asks for a month
    "exercises:clinic_monitoring_review": _row(404, 400, 404, MFA, 404),
    "outcomes:clinic": _row(404, 200, 404, MFA, 404),
    "outcomes:attach": _row(404, 400, 404, MFA, 404),
    "safety:clinic_episode": _row(404, 200, 404, MFA, 404),
    "care:discharge": _row(404, 303, 404, MFA, 404),
    "care:clear_flag": _row(404, 400, 404, MFA, 404),
    "booking:mark_completed": _row(404, 303, 404, MFA, 404),
    "booking:mark_no_show": _row(404, 303, 404, MFA, 404),
    # Checkout and orders (payments): the buyer's own; anyone else's order is a 404
    "payments:start": _row(400, 400, 400, MFA, LOGIN),
    "payments:checkout": _row(200, 404, 404, MFA, LOGIN),
    "payments:coupon": _row(400, 404, 404, MFA, LOGIN),
    "payments:pay": _row(400, 404, 404, MFA, LOGIN),
    "payments:done": _row(200, 404, 404, MFA, LOGIN),
    "payments:orders": _row(200, 200, 200, MFA, LOGIN),
    "payments:receipt": _row(200, 404, 404, MFA, LOGIN),
    "payments:stripe_webhook": _row(400, 400, 400, MFA, 400),  # unsigned: refused
    # Operations: readiness for a load balancer, and metrics for the addresses in
    # MEND_METRICS_ALLOW (loopback, which the test client is; others get 404)
    "health_ready": _row(200, 200, 200, MFA, 200),
    "metrics": _row(200, 200, 200, MFA, 200),
    # The admin: Wagtail's own pages and Mend's screens in it
    "wagtailadmin_home": ADMIN,
    "wagtailadmin_pages:edit": ADMIN,
    "audit_log:index": ADMIN,
    "records_requests:index": ADMIN,
    "records_holds:add": ADMIN,
    "records_erasure:carry_out": ADMIN,
    "records_erasure:do_carry_out": ADMIN,
    "records_erasure:hold": ADMIN,
    "records_erasure:lift_hold": ADMIN,
    "care_episodes:index": ADMIN,
    "care_episodes:index_results": ADMIN,
    "care_episodes:add": ADMIN,
    "care_episodes:edit": ADMIN,
    "care_episodes:delete": ADMIN,
    "care_episodes:inspect": ADMIN,
    "care_invitations:index": ADMIN,
    "care_invitations:index_results": ADMIN,
    "care_invitations:add": ADMIN,
    "care_invitations:edit": ADMIN,
    "care_invitations:delete": ADMIN,
    "care_review_times:index": ADMIN,
    "care_review_times:index_results": ADMIN,
    "care_review_times:add": ADMIN,
    "care_review_times:edit": ADMIN,
    "care_review_times:delete": ADMIN,
    "booking_visits:index": ADMIN,
    "booking_visits:index_results": ADMIN,
    "booking_visits:add": ADMIN,
    "booking_visits:edit": ADMIN,
    "booking_visits:delete": ADMIN,
    "booking_visits:inspect": ADMIN,
    "booking_waitlist:index": ADMIN,
    "booking_waitlist:index_results": ADMIN,
    "booking_waitlist:add": ADMIN,
    "booking_waitlist:edit": ADMIN,
    "booking_waitlist:delete": ADMIN,
    "community_comments:index": ADMIN,
    "community_comments:index_results": ADMIN,
    "community_comments:approve": ADMIN,
    "community_comments:reject": ADMIN,
    "community_comments:spam": ADMIN,
    "safety_screens:edit": ADMIN,
    "payments_orders:index": ADMIN,
    "payments_orders:index_results": ADMIN,
    "payments_orders:add": ADMIN,
    "payments_orders:edit": ADMIN,
    "payments_orders:delete": ADMIN,
    "payments_orders:inspect": ADMIN,
    "payments_orders:mark_paid": ADMIN,
    # Courses: the catalogue, the sales page and preview lessons for all; the learner's
    # pages for the enrolled owner alone (the paid lesson served by Wagtail sends readers
    # to its learner page, which checks the enrolment)
    "wagtail_serve (course catalogue)": PUBLIC,
    "wagtail_serve (course)": PUBLIC,
    "wagtail_serve (preview lesson)": PUBLIC,
    "wagtail_serve (paid lesson)": _row(*[LEARN_MOVING] * 5),
    "courses:course": _row(200, 404, 404, MFA, LOGIN),
    "courses:resume": _row(LEARN_WELCOME, 404, 404, MFA, LOGIN),
    "courses:certificate": _row(LEARN_COURSE, 404, 404, MFA, LOGIN),  # not finished yet
    "courses:questionnaire": _row(200, 404, 404, MFA, LOGIN),
    "courses:lesson": _row(200, 404, 404, MFA, LOGIN),
    "courses:exercises": _row(303, 404, 404, MFA, LOGIN),  # to the player
    "courses:done": _row(303, 404, 404, MFA, LOGIN),  # a program's lesson: said so, unchanged
    "courses:join": _row(303, 303, 303, MFA, LOGIN),  # a paid course: back to its page
}

POST_ONLY = {
    "community:post_comment",
    "booking:join_waitlist",
    "records:request_erasure",
    "exercises:settled",
    "exercises:finish",
    "exercises:share",
    "exercises:morning_email",
    "outcomes:answer",
    "care:accept",
    "care:decline",
    "booking:visit_cancel",
    "booking:visit_move",
    "booking:manage_cancel",
    "booking:manage_move",
    "booking:claim_confirm",
    "booking:link_account_confirm",
    "booking:add_rule",
    "booking:add_time_off",
    "booking:delete_rule",
    "booking:delete_time_off",
    "booking:plan_check",
    "booking:plan_book",
    "booking:create_feed",
    "booking:revoke_feed",
    "care:invite",
    "care:withdraw",
    "care:open_break_glass",
    "exercises:clinic_program_new",
    "exercises:clinic_details",
    "exercises:clinic_add_item",
    "exercises:clinic_remove_item",
    "exercises:clinic_move_up",
    "exercises:clinic_move_down",
    "exercises:clinic_finish",
    "exercises:clinic_monitoring_review",
    "outcomes:attach",
    "care:discharge",
    "care:clear_flag",
    "booking:mark_completed",
    "booking:mark_no_show",
    "payments:coupon",
    "payments:pay",
    "payments:stripe_webhook",
    "courses:join",
    "courses:exercises",
    "courses:done",
}

# Pages for anyone, which may be cached; every other 200 in the matrix must say no-store.
CACHEABLE = {
    "health",
    "robots_txt",
    "sitemap",
    "wagtail_serve (home)",
    "wagtail_serve (article)",
    "wagtail_serve (guide region)",
    "content:feed",
    "content:tag",
    "content:search",
    "exercises:library",
    "exercises:detail",
    "exercises:start",
    "safety:screen",
    "community:contact",
    "booking:book",
    "booking:packages",
    "wagtail_serve (course catalogue)",
    "wagtail_serve (course)",
    "wagtail_serve (preview lesson)",
}


# The tests

URLCONF = mend_url_names()
CELLS = sorted(set(URLCONF) | set(MATRIX) | SAMPLED | set(PAGES))


def _sign_in(client: Client, world: World, who: str) -> None:
    user = world.users[who]
    if user is not None:
        client.force_login(user)


@pytest.mark.django_db
@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize("name", CELLS)
def test_each_member_of_the_cast_gets_what_the_matrix_says(
    client: Client, world: World, name: str, who: str
) -> None:
    if name not in MATRIX:
        pytest.fail(f"{name} has no entry in MATRIX: say what each of the cast gets")
    if name not in URLCONF and name not in SAMPLED and name not in PAGES:
        pytest.fail(f"{name} is in MATRIX, but no URL pattern of Mend's has that name any more")
    try:
        url = url_of(name, world)
    except NoReverseMatch:
        pytest.fail(f"{name} is sampled in MATRIX, but no URL pattern has that name any more")
    method = "post" if name in POST_ONLY else "get"
    _sign_in(client, world, who)

    response = client.post(url) if method == "post" else client.get(url)

    expected, got = MATRIX[name][who], outcome(response)
    assert got == expected, f"{method.upper()} {url} ({name}) as {who}: {got}, not {expected}"
    if got == 200 and name not in CACHEABLE:
        assert "no-store" in response.get("Cache-Control", ""), f"{url} may be cached"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_post_only_views_refuse_get(client: Client, world: World, name: str) -> None:
    assert name in MATRIX, f"{name} is in POST_ONLY but not in MATRIX"
    _sign_in(client, world, "owner")
    assert client.get(url_of(name, world)).status_code == 405


def test_the_walk_reaches_every_app_and_stays_out_of_wagtails_and_allauths_own() -> None:
    namespaces = {name.split(":")[0] for name in URLCONF if ":" in name}
    apps = {"booking", "care", "community", "content", "exercises", "outcomes", "records"}
    assert apps | {"safety"} <= namespaces
    assert {"health", "robots_txt", "sitemap", "my_access", "records_erasure:carry_out"} <= set(
        URLCONF
    )
    assert not {"wagtailadmin_home", "account_login", "mfa_index", "wagtail_serve"} & set(URLCONF)
