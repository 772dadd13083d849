from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from wagtail.models import Page, Site

from mend.accounts.models import User
from mend.accounts.staff import has_second_factor, is_staff_member
from mend.content.models import ArticleIndexPage, ArticlePage, HomePage
from mend.core import roles

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def _enrol_staff(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    user.__dict__.pop("_mend_is_staff_member", None)
    if is_staff_member(user) and not has_second_factor(user):
        TOTP.activate(user, generate_totp_secret())


@pytest.fixture(autouse=True)
def _staff_have_mfa() -> Any:
    """Staff signed in by a test (force_login, admin_client, a login form) have set up MFA,
    as staff must; the tests of MFA itself override this fixture and enrol staff themselves."""
    user_logged_in.connect(_enrol_staff, dispatch_uid="tests-staff-have-mfa")
    yield
    user_logged_in.disconnect(dispatch_uid="tests-staff-have-mfa")


@pytest.fixture(autouse=True)
def _staff_stay_signed_in_while_the_clock_moves(settings: Any) -> None:
    """Tests move the clock by hours between a clinician's requests; the idle sign-out is
    tested on its own (tests/accounts/test_sessions.py), with the real limit."""
    settings.MEND_STAFF_IDLE_MINUTES = 60 * 24 * 365


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(email: str, *, role: str | None = None, **extra: Any) -> User:
        user = User.objects.create_user(email=email, password="correct horse battery", **extra)
        if role:
            # get_or_create: after a browser test's flush the run's database can lack the
            # roles a migration made (the browser tests reload them for themselves only).
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user

    return make


@pytest.fixture
def editor(make_user: Callable[..., User]) -> User:
    return make_user("editor@clinic.example", role=roles.EDITOR, display_name="Dr. Ada Reyes, DPT")


@pytest.fixture
def patient(make_user: Callable[..., User]) -> User:
    return make_user("patient@mail.example", role=roles.PATIENT)


@pytest.fixture
def clinician(make_user: Callable[..., User]) -> User:
    return make_user("sam@clinic.example", role=roles.CLINICIAN, display_name="Dr. Sam Okafor")


@pytest.fixture
def other_clinician(make_user: Callable[..., User]) -> User:
    return make_user("lena@clinic.example", role=roles.CLINICIAN, display_name="Dr. Lena Park")


@pytest.fixture
def verified(db: None) -> Callable[[User], User]:
    def verify(user: User) -> User:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    return verify


@pytest.fixture
def stranger(make_user: Callable[..., User]) -> User:
    return make_user("stranger@mail.example", role=roles.PATIENT)


@pytest.fixture
def home(db: None) -> HomePage:
    Page.objects.filter(depth=2).delete()  # Wagtail's welcome page
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Mend", slug="home"))
    Site.objects.create(hostname="localhost", root_page=home, port=80, is_default_site=True)
    return home


@pytest.fixture
def article_index(home: HomePage) -> ArticleIndexPage:
    return home.add_child(instance=ArticleIndexPage(title="Articles", slug="articles"))


@pytest.fixture
def make_article(article_index: ArticleIndexPage) -> Callable[..., ArticlePage]:
    def make(
        title: str, *, tags: tuple[str, ...] = (), live: bool = True, **fields: Any
    ) -> ArticlePage:
        fields.setdefault("standfirst", f"What to know about {title.lower()}.")
        fields.setdefault("date", dt.date(2026, 11, 1))
        fields.setdefault("body", [("paragraph", "<p>Move a little every day.</p>")])
        article = ArticlePage(title=title, live=live, **fields)
        article_index.add_child(instance=article)
        if tags:
            article.tags.add(*tags)
        revision = article.save_revision()
        if live:
            revision.publish()
        article.refresh_from_db()
        return article

    return make


@pytest.fixture
def article(make_article: Callable[..., ArticlePage], editor: User) -> ArticlePage:
    return make_article(
        "Achilles pain when running",
        tags=("achilles", "running"),
        author=editor,
        slug="achilles-pain-running",
    )


@pytest.hookimpl(trylast=True)  # after pytest-django has put the transactional tests last
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _restore_tests_last(items)
    _browser_tests_need_chromium(items)


def _restore_tests_last(items: list[pytest.Item]) -> None:
    """On PostgreSQL a restore rebuilds the database's schema under the run's open
    connections (as it would under running servers, which the README says to stop
    first); the browser tests' reload of the migrated rows after it cannot be trusted."""
    last = [item for item in items if item.path.name == "test_backup.py"]
    items[:] = [item for item in items if item.path.name != "test_backup.py"] + last


# Browser tests: Debian's Chromium, never a downloaded browser.
def _browser_tests_need_chromium(items: list[pytest.Item]) -> None:
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI needs Chromium at {CHROMIUM}: apt-get install chromium")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}
