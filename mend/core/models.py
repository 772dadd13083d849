from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from mend.core.video import Video, VideoAddressError, parse_video_url


def validate_video_url(value: str) -> None:
    try:
        parse_video_url(value)
    except VideoAddressError as error:
        raise ValidationError(str(error)) from None


class LeadVideo(models.Model):
    """A video shown at the top of an article or an exercise.

    Either a YouTube or Vimeo address, embedded privacy-enhanced and only when
    the reader presses play, or an uploaded file with a poster and captions.
    """

    video_url = models.URLField(
        "video address",
        blank=True,
        validators=[validate_video_url],
        help_text="A YouTube or Vimeo address. Readers load the player only when they press play.",
    )
    video_file = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Or an uploaded video file (MP4 or WebM).",
    )
    video_captions = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Captions for the uploaded video (a WebVTT .vtt file).",
    )
    video_poster = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The picture shown before the video plays.",
    )
    video_title = models.CharField(max_length=200, blank=True, help_text="What the video shows.")

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.video_captions_id and not self.video_file_id:
            raise ValidationError({"video_captions": "Captions need an uploaded video file."})
        if self.video_url and self.video_file_id:
            raise ValidationError({"video_url": "Use either a video address or a file, not both."})

    @property
    def video(self) -> Video | None:
        try:
            return parse_video_url(self.video_url) if self.video_url else None
        except VideoAddressError:
            return None
