"""The article body: one StreamBlock shared by every article."""

from __future__ import annotations

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import RichText

from mend.content import linkcheck
from mend.exercises.blocks import ExerciseBlock

RICH_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class CheckedRichTextBlock(blocks.RichTextBlock):
    """Rich text whose links and email addresses must be well formed."""

    def clean(self, value: RichText) -> RichText:
        value = super().clean(value)
        linkcheck.check_html(value.source)
        return value


class CheckedTextBlock(blocks.TextBlock):
    def clean(self, value: str) -> str:
        value = super().clean(value)
        linkcheck.check_text(value)
        return value


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        template = "content/blocks/heading.html"
        form_classname = "title"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt = blocks.CharBlock(
        max_length=250,
        label="Alternative text",
        help_text="What the image shows, for people who cannot see it. Required.",
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "content/blocks/image.html"


class StepsBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False, max_length=120)
    steps = blocks.ListBlock(CheckedTextBlock(rows=2), min_num=1, label="Steps, in order")
    dosage = blocks.CharBlock(
        required=False, max_length=250, help_text="e.g. Hold 30–60 s on each leg."
    )

    class Meta:
        icon = "list-ol"
        template = "content/blocks/steps.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("note", "Note"), ("warning", "Warning"), ("evidence", "What the evidence says")],
        default="note",
    )
    title = blocks.CharBlock(required=False, max_length=120)
    text = CheckedRichTextBlock(features=RICH_FEATURES)

    class Meta:
        icon = "warning"
        template = "content/blocks/callout.html"


class BodyBlock(blocks.StreamBlock):
    """Headings, paragraphs, images, numbered steps with a dosage line, callouts, exercises."""

    heading = HeadingBlock()
    paragraph = CheckedRichTextBlock(features=RICH_FEATURES)
    image = ImageBlock()
    steps = StepsBlock()
    callout = CalloutBlock()
    exercise = ExerciseBlock()
