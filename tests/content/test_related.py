from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from mend.content.models import ArticlePage

MakeArticle = Callable[..., ArticlePage]


def test_ranks_by_shared_tags_then_recency(make_article: MakeArticle) -> None:
    this = make_article("Achilles", tags=("achilles", "running", "calf"))
    two_shared_old = make_article("Calf", tags=("calf", "running"), date=dt.date(2026, 1, 1))
    one_shared_new = make_article("Run", tags=("running",), date=dt.date(2026, 10, 1))
    one_shared_newer = make_article("Return", tags=("achilles",), date=dt.date(2026, 10, 5))
    make_article("Back", tags=("low-back",), date=dt.date(2026, 11, 1))

    assert this.related_articles() == [two_shared_old, one_shared_newer, one_shared_new]


def test_never_itself_nor_a_draft(make_article: MakeArticle) -> None:
    this = make_article("Achilles", tags=("achilles",))
    make_article("Draft", tags=("achilles",), live=False)
    live = make_article("Live", tags=("achilles",))

    assert this.related_articles() == [live]


def test_fills_with_recent_articles_when_no_tags_are_shared(make_article: MakeArticle) -> None:
    this = make_article("Lonely", tags=("rare",))
    older = make_article("Older", date=dt.date(2026, 1, 1))
    newer = make_article("Newer", date=dt.date(2026, 2, 1))

    assert this.related_articles() == [newer, older]


def test_at_most_three(make_article: MakeArticle) -> None:
    this = make_article("Achilles", tags=("achilles",))
    for number in range(5):
        make_article(f"Other {number}", tags=("achilles",))

    assert len(this.related_articles()) == 3
