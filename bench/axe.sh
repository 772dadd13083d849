#!/usr/bin/env bash
# axe-core on the guide, the safety screens and their advice, the exercise screen, the
# booking intake and the demo course (catalogue, sales page, free lesson; the learner's
# course page, a lesson and the checkout), at 360 px and desktop width (bench/axe_pages.py),
# on the demo clinic.
# Needs LH: a scratch folder with the npm install of axe-core@4.14.1 (../shared/bench/ux/).
#   LH=/some/scratch bench/axe.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
: "${LH:?set LH to the folder with the npm install of axe-core}"
AXE=$LH/node_modules/axe-core/axe.min.js
bench_env
export DATABASE_URL="sqlite:///$work/axe.sqlite3"
demo_database
$BIN/python -m mend load_booking_demo >/dev/null  # before the course: its instructor books visits
$BIN/python -m mend load_course_demo --force >/dev/null
start_server
base=http://127.0.0.1:$PORT
status=0
echo "== anonymous: the guide and each screen, with the advice of each level"
$BIN/python bench/axe_pages.py "$base" "$AXE" /guide/ /guide/calf-achilles/ /guide/low-back/ \
  /safety/achilles-calf/ /safety/low-back/ /safety/knee/ /safety/general/ \
  "POST:/safety/achilles-calf/#pop=unsure" "POST:/safety/low-back/#tearing=yes" \
  "POST:/safety/knee/#locked=yes" "POST:/safety/general/" || status=1
echo "== the demo patient: a routine's screen, its stop, and booking intake"
routine=$($BIN/python -m mend shell -v 0 -c "
from mend.accounts.models import User
from mend.exercises import services
from mend.exercises.models import Exercise
from django.utils import timezone
pat = User.objects.get(email='pat@riverside-pt.example')
stretch = Exercise.objects.get(slug='standing-hamstring-stretch')
print(services.start_routine(patient=pat, exercise=stretch, dosage=stretch.dosage, time_zone='UTC', now=timezone.now()).program_id)")
$BIN/python bench/axe_pages.py "$base" "$AXE" --login pat@riverside-pt.example:demo-patient-2026 \
  "/me/programs/$routine/screen/" "POST:/me/programs/$routine/screen/#gap=yes" \
  "/me/programs/$routine/" "/me/safety/" || status=1
course=/courses/low-back-pain-start-at-home/
echo "== anonymous: the course catalogue, the sales page and its free lesson"
$BIN/python bench/axe_pages.py "$base" "$AXE" /courses/ "$course" \
  "${course}understanding-your-back/what-is-happening-in-my-back/" || status=1
echo "== the demo patient: the checkout, then enrolled: the course and an exercise lesson"
order=$($BIN/python -m mend shell -v 0 -c "
from django.utils import timezone
from mend.accounts.models import User
from mend.courses.models import CoursePage
from mend.payments import services
pat = User.objects.get(email='pat@riverside-pt.example')
course = CoursePage.objects.get(slug='low-back-pain-start-at-home')
print(services.start_order(buyer=pat, kind='course', ref=str(course.pk), now=timezone.now()).reference)")
$BIN/python bench/axe_pages.py "$base" "$AXE" --login pat@riverside-pt.example:demo-patient-2026 \
  "/checkout/$order/" || status=1
$BIN/python -m mend shell -v 0 -c "
from django.utils import timezone
from mend.accounts.models import User
from mend.courses import services
from mend.courses.models import CoursePage
services.enrol(user=User.objects.get(email='pat@riverside-pt.example'),
               course=CoursePage.objects.get(slug='low-back-pain-start-at-home'), now=timezone.now())"
$BIN/python bench/axe_pages.py "$base" "$AXE" --login pat@riverside-pt.example:demo-patient-2026 \
  /learn/low-back-pain-start-at-home/ /learn/low-back-pain-start-at-home/lessons/gentle-movement/ \
  /learn/low-back-pain-start-at-home/lessons/when-to-see-a-physical-therapist/ || status=1
for width in 360px desktop; do
  # A free time for the new-patient visit (its intake asks the general screen); each width books one.
  details=$($BIN/python -m mend shell -v 0 -c "
from urllib.parse import urlencode
from django.utils import timezone
from mend.booking.availability import Want, free_times
from mend.booking.models import VisitType
start = next(iter(free_times(Want(VisitType.objects.get(slug='initial-evaluation'), 'virtual'), now=timezone.now())))
print('/book/details/?' + urlencode({'visit': 'initial-evaluation', 'mode': 'virtual', 'clinician': 'any', 'tz': 'UTC', 'date': start.date().isoformat(), 'start': start.isoformat()}))")
  $BIN/python bench/axe_pages.py "$base" "$AXE" --login pat@riverside-pt.example:demo-patient-2026 \
    --width $width "$details" "POST:$details#screen-chest-breath=yes" || status=1
done
stop_server
exit $status
