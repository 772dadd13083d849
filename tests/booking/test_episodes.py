"""Booking puts a patient in the clinician's care: it opens an episode or joins the open one."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mend.accounts.models import User
from mend.booking import services
from mend.booking.models import Appointment, Clinician, VisitType
from mend.care import services as care
from mend.care.models import Episode

from .conftest import NOW, ny

pytestmark = pytest.mark.django_db


def test_a_patients_first_booking_opens_an_episode_and_the_next_joins_it(
    book_visit: Callable[..., Appointment], follow_up: VisitType, ana: Clinician, patient: User
) -> None:
    first = book_visit(follow_up, ny(6, 16, 10), clinician=ana, patient=patient)
    second = book_visit(follow_up, ny(6, 18, 10), clinician=ana, patient=patient)

    episode = Episode.objects.get()
    assert (episode.patient, episode.clinician, episode.source) == (
        patient, ana.user, Episode.Source.BOOKING,
    )  # fmt: skip
    assert first.episode == second.episode == episode
    assert episode.opened_at == NOW


def test_first_available_opens_the_episode_with_whoever_was_free(
    book_visit: Callable[..., Appointment],
    follow_up: VisitType,
    ana: Clinician,
    ben: Clinician,
    patient: User,
) -> None:
    book_visit(follow_up, ny(6, 16, 10), clinician=ana, email="someone@mail.example")

    visit = book_visit(follow_up, ny(6, 16, 10), patient=patient)  # Ana is taken then

    assert visit.clinician == ben
    assert visit.episode.clinician == ben.user


def test_a_guest_booking_opens_nothing_until_linked_to_an_account(
    book_visit: Callable[..., Appointment],
    follow_up: VisitType,
    ana: Clinician,
    patient: User,
    verified: Callable[[User], User],
) -> None:
    guest = book_visit(follow_up, ny(6, 16, 10), clinician=ana, email=patient.email)
    assert guest.episode is None and not Episode.objects.exists()

    verified(patient)
    services.link_to_account(guest, email=patient.email, now=NOW)

    guest.refresh_from_db()
    assert guest.episode == Episode.objects.get(patient=patient, clinician=ana.user)


def test_after_discharge_booking_again_opens_a_new_episode(
    book_visit: Callable[..., Appointment], follow_up: VisitType, ana: Clinician, patient: User
) -> None:
    first = book_visit(follow_up, ny(6, 16, 10), clinician=ana, patient=patient)
    care.discharge(first.episode, by=ana.user, note="", now=NOW)

    again = book_visit(follow_up, ny(6, 18, 10), clinician=ana, patient=patient)

    assert again.episode != first.episode and again.episode.is_active


def test_a_clinician_booking_with_themselves_is_in_nobodys_care(
    book_visit: Callable[..., Appointment], follow_up: VisitType, ana: Clinician
) -> None:
    visit = book_visit(follow_up, ny(6, 16, 10), clinician=ana, patient=ana.user)

    assert visit.episode is None
    assert not Episode.objects.exists()


def test_a_guest_visit_stays_visible_to_its_clinician_only(
    book_visit: Callable[..., Appointment], follow_up: VisitType, ana: Clinician, ben: Clinician
) -> None:
    guest = book_visit(follow_up, ny(6, 16, 10), clinician=ana, email="jo@mail.example")

    assert guest in Appointment.objects.visible_to(ana.user)
    assert guest not in Appointment.objects.visible_to(ben.user)
