"""Text packs: checked against the instrument on import; `mend outcomes load-pack`."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from mend.accounts.models import User
from mend.outcomes import textpack
from mend.outcomes.instruments import FAAM, GROC, INSTRUMENTS, NPRS, PSFS, Licence
from mend.outcomes.models import TextPack, text_for
from mend.outcomes.textpack import PackError

from .conftest import placeholder_pack


def refusal(document: object) -> PackError:
    with pytest.raises(PackError) as error:
        textpack.parse(document)
    return error.value


def test_a_complete_pack_is_read_in_the_items_order() -> None:
    pack = textpack.parse(placeholder_pack("lefs"))

    assert (pack.instrument, pack.version, pack.language) == ("lefs", "1999", "en")
    assert list(pack.items) == [f"i{n}" for n in range(1, 21)]
    assert pack.items["i1"].options == tuple((str(v), f"Placeholder answer {v}") for v in range(5))
    assert textpack.parse(pack.as_json()) == pack


def test_every_licensed_instrument_takes_a_pack_of_its_items() -> None:
    for code, instrument in INSTRUMENTS.items():
        if instrument.licence is not Licence.A:
            assert textpack.parse(placeholder_pack(code)).instrument == code


def test_na_needs_a_label_where_the_item_allows_it() -> None:
    pack = textpack.parse(placeholder_pack("faam"))

    assert pack.items["adl1"].options[-1] == ("na", "Placeholder answer na")
    assert textpack.answer_keys(FAAM.items[0])[-1] == "na"


def without(path: list[str]) -> dict[str, Any]:
    document = placeholder_pack("lefs")
    target = document
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return document


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ([], "the pack must be a JSON object"),
        (without(["items", "i7"]), "i7: missing: every item needs its text and labels"),
        (without(["items", "i7", "text"]), 'i7: the item needs "text"'),
        (without(["items", "i7", "options", "3"]), 'i7: "options" has no label for the answer 3'),
        (without(["licence"]), 'the pack needs "licence"'),
        (without(["licence", "holder"]), '"licence" needs "holder"'),
        (placeholder_pack(format="other/2"), '"format" must be "mend-text-pack/1"'),
        (placeholder_pack(instrument="womac"), '"instrument" must be one of'),
        (placeholder_pack(version="2001"), "Mend scores version '1999'"),
        (placeholder_pack(language="English"), '"language" must be a language tag'),
        (placeholder_pack(extra=1), "the pack has an unknown key 'extra'"),
        (placeholder_pack(branches={"q8": "Which fits you?"}), "lefs has no branched question"),
    ],
)
def test_a_bad_pack_is_refused_with_a_clear_message(document: object, says: str) -> None:
    assert says in refusal(document).message


def test_an_unknown_item_is_named() -> None:
    document = placeholder_pack("lefs")
    document["items"]["i21"] = copy.deepcopy(document["items"]["i1"])

    error = refusal(document)
    assert (error.item_id, error.message) == ("i21", "i21: lefs has no such item")


def test_an_unknown_answer_and_an_empty_label_are_named_at_their_item() -> None:
    document = placeholder_pack("lefs")
    document["items"]["i2"]["options"]["5"] = "Too high"
    assert refusal(document).message.startswith("i2: \"options\" has '5'")

    document = placeholder_pack("lefs")
    document["items"]["i3"]["options"]["0"] = "  "
    assert refusal(document).message == "i3: the label for 0 must be text, not empty"


def test_tier_a_takes_no_pack_and_ships_its_own_text() -> None:
    assert "tier A" in refusal(placeholder_pack("nprs")).message

    nprs = textpack.bundled(NPRS)
    assert nprs is not None
    assert nprs.items["pain"].options[0] == ("0", "0: no pain")
    assert nprs.items["pain"].options[5] == ("5", "5")
    groc = textpack.bundled(GROC)
    assert groc is not None and groc.items["rating"].options[-1][1].startswith("+7:")
    assert textpack.bundled(INSTRUMENTS["lefs"]) is None


def test_visa_a_may_word_its_branched_question() -> None:
    pack = textpack.parse(placeholder_pack("visa-a", branches={"q8": "Pick the one that fits."}))

    assert pack.branches == {"q8": "Pick the one that fits."}


@pytest.mark.django_db
def test_licensed_text_is_shown_only_once_loaded(tmp_path: Path) -> None:
    assert text_for(INSTRUMENTS["lefs"]) is None
    assert text_for(PSFS) is not None

    load(tmp_path, placeholder_pack("lefs", language="en"))

    found = text_for(INSTRUMENTS["lefs"], "en-GB")  # a regional reader gets the language's pack
    assert found is not None and found.items["i1"].text == "Placeholder question i1."


# `mend outcomes load-pack`


def write(tmp_path: Path, document: object, name: str = "pack.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def load(tmp_path: Path, *documents: object, by: str | None = None) -> str:
    files = [write(tmp_path, d, f"pack{n}.json") for n, d in enumerate(documents)]
    out = io.StringIO()
    call_command("outcomes", "load-pack", *files, *(["--by", by] if by else []), stdout=out)
    return out.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as error:
        call_command("outcomes", "load-pack", *args, stdout=io.StringIO())
    assert error.value.returncode == 2
    return str(error.value)


@pytest.mark.django_db
def test_load_pack_stores_the_pack_and_who_loaded_it(tmp_path: Path, editor: User) -> None:
    said = load(tmp_path, placeholder_pack("lefs"), by=editor.email)

    assert said == "lefs 1999 (en): loaded\n"
    stored = TextPack.objects.get()
    assert (stored.code, stored.instrument_version, stored.language) == ("lefs", "1999", "en")
    assert (stored.licence_holder, stored.loaded_by) == ("Example Holder", editor)
    assert stored.pack() == textpack.parse(placeholder_pack("lefs"))


@pytest.mark.django_db
def test_load_pack_again_is_unchanged_or_replaces(tmp_path: Path) -> None:
    load(tmp_path, placeholder_pack("lefs"))

    assert load(tmp_path, placeholder_pack("lefs")) == "lefs 1999 (en): unchanged\n"
    reworded = placeholder_pack("lefs", instructions="New placeholder instructions.")
    assert load(tmp_path, reworded) == "lefs 1999 (en): replaced\n"
    assert TextPack.objects.get().pack().instructions == "New placeholder instructions."


@pytest.mark.django_db
def test_one_bad_pack_stores_nothing(tmp_path: Path) -> None:
    good = write(tmp_path, placeholder_pack("odi"), "odi.json")
    bad = write(tmp_path, without(["items", "i20"]), "lefs.json")

    said = refused(good, bad)
    assert said.endswith("lefs.json: i20: missing: every item needs its text and labels")
    assert not TextPack.objects.exists()


@pytest.mark.django_db
def test_a_file_may_hold_several_packs_and_each_is_named_in_errors(tmp_path: Path) -> None:
    both = write(tmp_path, [placeholder_pack("odi"), placeholder_pack("koos", version="2")])

    assert "pack.json, pack 2: this pack is for koos version '2'" in refused(both)
    assert not TextPack.objects.exists()

    both = write(tmp_path, [placeholder_pack("odi"), placeholder_pack("koos")])
    call_command("outcomes", "load-pack", both, stdout=io.StringIO())
    assert sorted(TextPack.objects.values_list("code", flat=True)) == ["koos", "odi"]


@pytest.mark.django_db
def test_the_same_pack_twice_in_one_load_is_refused(tmp_path: Path) -> None:
    twice = write(tmp_path, [placeholder_pack("odi"), placeholder_pack("odi")])

    assert "odi 2.1a (en) is given twice" in refused(twice)


@pytest.mark.django_db
def test_unreadable_input_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")

    assert "not JSON" in refused(str(broken))
    assert "cannot read it" in refused(str(tmp_path / "missing.json"))
    assert "no account has the address" in refused(
        write(tmp_path, placeholder_pack("odi")), "--by", "nobody@example.org"
    )
    assert not TextPack.objects.exists()
