"""Lead videos from YouTube or Vimeo addresses, without asking either site.

The address is parsed, never fetched: the embed is the privacy-enhanced
player (youtube-nocookie.com, Vimeo with do-not-track), built from the id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^[0-9]{4,12}$")
_YOUTUBE_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtube-nocookie.com",
    "www.youtube-nocookie.com",
}
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}


class VideoAddressError(ValueError):
    pass


@dataclass(frozen=True)
class Video:
    provider: str
    video_id: str

    @property
    def embed_url(self) -> str:
        if self.provider == "youtube":
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}?autoplay=1&rel=0"
        return f"https://player.vimeo.com/video/{self.video_id}?autoplay=1&dnt=1"

    @property
    def watch_url(self) -> str:
        if self.provider == "youtube":
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}"
        return f"https://vimeo.com/{self.video_id}"


def parse_video_url(url: str) -> Video:
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in {"http", "https"}:
        raise VideoAddressError("Use the video's http or https address.")
    path = [segment for segment in parts.path.split("/") if segment]
    if host == "youtu.be" and path:
        return _youtube(path[0])
    if host in _YOUTUBE_HOSTS:
        if parts.path == "/watch":
            return _youtube(parse_qs(parts.query).get("v", [""])[0])
        if len(path) == 2 and path[0] in {"embed", "shorts", "live", "v"}:
            return _youtube(path[1])
    if host in _VIMEO_HOSTS and path:
        return _vimeo(path[-1])
    raise VideoAddressError("Use a YouTube or Vimeo video address.")


def _youtube(video_id: str) -> Video:
    if not _YOUTUBE_ID.match(video_id):
        raise VideoAddressError("That YouTube address has no valid video id.")
    return Video("youtube", video_id)


def _vimeo(video_id: str) -> Video:
    if not _VIMEO_ID.match(video_id):
        raise VideoAddressError("That Vimeo address has no valid video id.")
    return Video("vimeo", video_id)
