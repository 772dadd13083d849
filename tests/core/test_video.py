from __future__ import annotations

import pytest

from mend.core.video import VideoAddressError, parse_video_url


@pytest.mark.parametrize(
    ("url", "provider", "video_id"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
        ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "vimeo", "76979871"),
        ("https://player.vimeo.com/video/76979871", "vimeo", "76979871"),
    ],
)
def test_known_addresses_parse_to_their_id(url: str, provider: str, video_id: str) -> None:
    video = parse_video_url(url)
    assert (video.provider, video.video_id) == (provider, video_id)


def test_youtube_embed_is_privacy_enhanced() -> None:
    video = parse_video_url("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=30")
    assert video.embed_url.startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")


def test_vimeo_embed_asks_not_to_track() -> None:
    assert "dnt=1" in parse_video_url("https://vimeo.com/76979871").embed_url


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ%22onerror",
        "javascript:alert(1)",
        "https://vimeo.com/abc",
        "",
    ],
)
def test_other_addresses_are_refused(url: str) -> None:
    with pytest.raises(VideoAddressError):
        parse_video_url(url)
