"""Demo content for a fictional clinic, loaded by `mend load_demo`.

Loading is idempotent: what exists is left as it is, what is missing is made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from mend.accounts.models import User
from mend.content import demo_guide
from mend.content.demo_articles import ARTICLES
from mend.content.models import ArticleIndexPage, ArticlePage, HomePage
from mend.core import roles
from mend.exercises import starter
from mend.exercises.models import Exercise

CLINIC = "Riverside Physical Therapy"


@dataclass(frozen=True)
class DemoAccount:
    key: str
    email: str
    password: str
    name: str
    role: str
    staff: bool = False


ACCOUNTS = (
    DemoAccount("ada", "ada@riverside-pt.example", "demo-editor-2026", "Dr. Ada Reyes, DPT",
                roles.EDITOR, staff=True),
    DemoAccount("sam", "sam@riverside-pt.example", "demo-clinician-2026", "Dr. Sam Okafor, DPT",
                roles.CLINICIAN),
    DemoAccount("lena", "lena@riverside-pt.example", "demo-clinician-2026", "Dr. Lena Park, DPT",
                roles.CLINICIAN),
    DemoAccount("pat", "pat@riverside-pt.example", "demo-patient-2026", "Pat Rivera",
                roles.PATIENT),
)  # fmt: skip


@dataclass
class Report:
    created: list[str]

    def add(self, what: str) -> None:
        self.created.append(what)


@transaction.atomic
def load(today: dt.date | None = None) -> Report:
    today = today or timezone.localdate()
    report = Report(created=[])
    users = {account.key: _account(account, report) for account in ACCOUNTS}
    for slug in starter.load_exercises().created:
        report.add(f"exercise {slug}")
    index = _site_tree(report)
    for data in ARTICLES:
        _article(index, data, users, today, report)
    report.created.extend(demo_guide.load())
    now = timezone.now()
    moment = now if today == now.date() else dt.datetime.combine(today, dt.time(12), dt.UTC)
    for made in starter.load_demo_programs(
        clinician=users["sam"], other=users["lena"], patient=users["pat"], now=moment
    ):
        report.add(made)
    return report


def _resolve_exercises(body: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Exercise blocks name their exercise by slug in the demo data; the block stores its id."""
    return [
        (kind, {**value, "exercise": Exercise.objects.get(slug=value["exercise"])})
        if kind == "exercise" else (kind, value)
        for kind, value in body
    ]  # fmt: skip


def _account(account: DemoAccount, report: Report) -> User:
    user = User.objects.filter(email=account.email).first()
    if user is None:
        user = User.objects.create_user(
            account.email, account.password, display_name=account.name, is_staff=account.staff
        )
        user.groups.add(Group.objects.get(name=account.role))
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        report.add(f"account {account.email}")
    return user


def _site_tree(report: Report) -> ArticleIndexPage:
    home = HomePage.objects.first()
    if home is None:
        Page.objects.filter(depth=2, content_type__model="page").delete()  # Wagtail's welcome page
        home = Page.get_first_root_node().add_child(
            instance=HomePage(
                title=CLINIC,
                slug="home",
                intro="Clear advice on pain and movement from our physical therapists, "
                "with exercises you can follow at home. (Riverside is a fictional clinic: "
                "this is Mend's demo, and its articles are education, not a diagnosis.)",
            )
        )
        report.add("home page")
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": CLINIC},
    )
    index = ArticleIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(
            instance=ArticleIndexPage(
                title="Articles", slug="articles", intro="Everything our clinicians have written."
            )
        )
        report.add("article index")
    return index


def _article(
    index: ArticleIndexPage,
    data: dict[str, Any],
    users: dict[str, User],
    today: dt.date,
    report: Report,
) -> None:
    if ArticlePage.objects.child_of(index).filter(slug=data["slug"]).exists():
        return
    article = ArticlePage(
        title=data["title"],
        slug=data["slug"],
        standfirst=data["standfirst"],
        date=today - dt.timedelta(days=data["days_ago"]),
        author=users[data["author"]],
        video_url=data.get("video_url", ""),
        video_title=data.get("video_title", ""),
        seo_title=data.get("seo_title", ""),
        search_description=data.get("search_description", ""),
        body=_resolve_exercises(data["body"]),
    )
    index.add_child(instance=article)
    article.tags.add(*data["tags"])
    article.save_revision().publish()
    report.add(f"article {data['slug']}")
