"""The demo course "Low back pain: start at home", for the fictional Riverside clinic.

Data only: `mend.courses.demo` turns it into a course page with its modules and
lessons. Body blocks use the names of the shared body block (heading, paragraph,
steps, callout, exercise); an exercise block names its exercise by the library's
slug. A lesson's "program" is a template program made from library exercises
(``None`` as a dosage means the exercise's own).

The text follows the project's evidence notes: NICE guideline NG59 (low back pain
and sciatica, 2016, updated 2020) advises reassurance, staying active and
exercise; the red flags come from the International Framework for Red Flags
(Finucane and colleagues, 2020) and the cauda equina pathway. The course is
education: it promises no cure, makes no diagnosis, and sends readers to the
safety screen and to care when a warning sign appears. A licensed PT reviews
real content.
"""

from __future__ import annotations

# Every lesson ends with this, so none can leave it out.
_NOT_A_DIAGNOSIS = (
    "callout",
    {
        "kind": "note",
        "title": "This course is education, not a diagnosis",
        "text": "<p>Only a clinician who has examined you can tell what is behind your back "
        "pain. If you are unsure, or not getting better, book a visit with one of our "
        "physical therapists at Riverside Physical Therapy, in the clinic or by video.</p>",
    },
)

# The emergency signs, in the words a person notices them (the safety screen asks the same).
_EMERGENCY = (
    "callout",
    {
        "kind": "warning",
        "title": "Go to the emergency department now if you notice",
        "text": "<ul><li>numbness or a changed feeling between your legs or around your "
        "bottom, for example you cannot feel the toilet paper when you wipe;</li>"
        "<li>you cannot pass urine, have to strain to start, or cannot feel it flowing;</li>"
        "<li>you leak urine or stool without feeling it coming;</li>"
        "<li>new numbness of the genitals, or sex feels different in a new way;</li>"
        "<li>pain, numbness or pins and needles in <b>both</b> legs;</li>"
        "<li>your legs are getting weaker, or walking is getting harder or unsteady.</li></ul>"
        "<p>These can mean the nerves at the base of the spine are being squeezed (cauda "
        "equina syndrome), which needs hospital care straight away. And call the emergency "
        "number for a sudden tearing or pulsing pain in the belly or back.</p>",
    },
)

_SAME_DAY = (
    "callout",
    {
        "kind": "warning",
        "title": "See a doctor the same day, or within days, if",
        "text": "<p><b>The same day</b> if you have a fever, chills or shaking with the back "
        "pain; you inject drugs or your immune system is weakened (by illness, chemotherapy "
        "or long-term steroid tablets); the pain began after a fall or an accident (even a "
        "small one if your bones are thin or you take steroid tablets); or a foot drags, "
        "slaps or feels numb and it is spreading.</p>"
        "<p><b>Within a few days</b> if this is new back pain and you are over 50 or under "
        "20; you have had cancer; you are losing weight without trying; the pain is constant, "
        "worse at night and not eased by changing position; or it is no better after a "
        "month.</p>",
    },
)

_NICE = (
    "callout",
    {
        "kind": "evidence",
        "title": "What the evidence says",
        "text": "<p>The NICE guideline on low back pain and sciatica (NG59, 2016, updated "
        "2020) asks clinicians to explain what back pain is, to reassure, and to encourage "
        "people to carry on with their normal activities as far as they can. It recommends "
        "exercise, of whatever kind suits the person, and does not recommend routine scans, "
        "back belts or corsets.</p>",
    },
)

_HOW_HARD = (
    "callout",
    {
        "kind": "note",
        "title": "How much is enough?",
        "text": "<p>Rate your back pain from 0 (none) to 10 (the worst you can imagine) "
        "before and after you exercise.</p>"
        "<ul><li>A little more pain while you move, that settles within an hour or so, is "
        "fine.</li>"
        "<li>Pain that is clearly worse the next morning means: do a bit less next time, "
        "not stop altogether.</li>"
        "<li>Pain spreading down a leg with numbness or weakness means: stop and get "
        "checked.</li></ul>",
    },
)

COURSE: dict[str, object] = {
    "slug": "low-back-pain-start-at-home",
    "title": "Low back pain: start at home",
    "summary": "A short course for adults with low back pain who want to know what helps and "
    "get moving again at home: what back pain is, how to stay active, gentle exercises you "
    "follow in the player, how to handle a flare-up, and when to see us. Most back pain "
    "eases with time and movement; this course cannot promise that yours will, and it "
    "tells you which signs need care first.",
    "instructor": "lena",
    "price": "49.00",
    "cover_alt": "",
    "included": [
        "8 short lessons in 3 modules, the first free to read before you buy",
        "3 exercise routines that open in the step-by-step player and keep your log",
        "A safety check before the first exercise, and a questionnaire to track your progress",
        "A lesson on when and how to see a physical therapist, with a link to book",
    ],
    "coupon": {"code": "MENDDEMO", "percent": 100},
    "modules": [
        {
            "slug": "understanding-your-back",
            "title": "Understanding your back",
            "summary": "What back pain is and is not, and the few signs that need care before "
            "you start.",
            "lessons": [
                {
                    "slug": "what-is-happening-in-my-back",
                    "title": "What is happening in my back?",
                    "summary": "Why most low back pain is not a sign of damage, and why moving "
                    "usually helps more than resting.",
                    "preview": True,
                    "release": {"rule": "enrolment", "days": 0},
                    "video_url": "https://www.youtube.com/watch?v=mendDemo101",
                    "video_title": "What is happening in my back? Dr. Lena Park explains",
                    "body": [
                        ("heading", "Is my back damaged?"),
                        (
                            "paragraph",
                            "<p>Low back pain is very common: most adults have it at some "
                            "point. It can hurt a lot and still not mean that something is "
                            "broken or worn out. For most people no single cause is found, and "
                            "that is not because anyone has missed it: the back's joints, "
                            "discs, muscles and nerves all play a part, and so do sleep, "
                            "stress and how active you have been.</p>"
                            "<p>Pain is your body's alarm. After a strain the alarm often "
                            "becomes more sensitive for a while, so ordinary movements can "
                            "hurt even as things heal. Hurt does not always mean harm.</p>",
                        ),
                        ("heading", "Do I need a scan?"),
                        (
                            "paragraph",
                            "<p>Usually not. Scans of people without any back pain often "
                            "show disc bulges and wear, so a scan rarely explains the pain or "
                            "changes what helps. A clinician will suggest one when your "
                            "symptoms point to something that a scan would change, such as "
                            "the warning signs in the next lesson.</p>",
                        ),
                        ("heading", "Will it get better?"),
                        (
                            "paragraph",
                            "<p>Many people find a new bout of back pain eases over days to "
                            "weeks. For some it lingers or comes back, and that is common "
                            "too. This course cannot promise a cure. What it offers is the "
                            "things most likely to help: understanding what is going on, "
                            "staying active, and building strength and confidence step by "
                            "step.</p>",
                        ),
                        _NICE,
                        (
                            "paragraph",
                            "<p>Start at home, and see us if the pain is not easing after a "
                            "couple of weeks, keeps coming back, or stops you sleeping, "
                            "working or doing what you enjoy. The next lesson lists the signs "
                            "that should not wait.</p>",
                        ),
                        _NOT_A_DIAGNOSIS,
                    ],
                },
                {
                    "slug": "signs-that-need-care-first",
                    "title": "Before you start: signs that need care first",
                    "summary": "The warning signs that mean you should get checked before "
                    "exercising, and the short safety check the course asks.",
                    "preview": False,
                    "release": {"rule": "enrolment", "days": 0},
                    "body": [
                        ("heading", "Why check first?"),
                        (
                            "paragraph",
                            "<p>Rarely, back pain comes from a problem that needs a doctor "
                            "rather than exercise: a squeezed nerve bundle at the base of the "
                            "spine, an infection, a fracture, or a cancer. On its own each "
                            "sign below is usually something else, so the course does not "
                            "try to tell which. It asks, and if you answer yes it stops the "
                            "exercises and tells you where to go and how soon.</p>",
                        ),
                        _EMERGENCY,
                        _SAME_DAY,
                        ("heading", "The safety check"),
                        (
                            "paragraph",
                            "<p>Before your first exercise lesson, the course asks these "
                            "questions in a short form. Answer honestly; it takes a minute. "
                            "If any answer is yes or you are not sure, follow the advice it "
                            "gives, and come back to the exercises once a clinician has seen "
                            "you. Ask yourself the same questions again if your pain "
                            "changes.</p>",
                        ),
                        _NOT_A_DIAGNOSIS,
                    ],
                },
            ],
        },
        {
            "slug": "moving-again",
            "title": "Moving again",
            "summary": "Staying active, gentle exercises to ease stiffness, and how to pace "
            "yourself through a flare-up.",
            "lessons": [
                {
                    "slug": "staying-active",
                    "title": "Staying active: walking and your normal day",
                    "summary": "Why keeping up your day helps, and an easy walking plan to "
                    "start from.",
                    "preview": False,
                    "release": {"rule": "enrolment", "days": 0},
                    "body": [
                        ("heading", "Should I rest until it stops hurting?"),
                        (
                            "paragraph",
                            "<p>Bed rest is no longer advised for back pain. People who keep "
                            "up their normal day, with changes where needed, tend to do "
                            "better than those who stop. Things that often help:</p>"
                            "<ul><li>short, easy walks, a few times a day;</li>"
                            "<li>changing position often rather than sitting or lying still "
                            "for hours;</li>"
                            "<li>staying at work, or going back soon, with lighter duties "
                            "for a while if you need them;</li>"
                            "<li>a warm pack, if it feels good.</li></ul>",
                        ),
                        (
                            "steps",
                            {
                                "title": "A walking plan to start from",
                                "steps": [
                                    "Walk at an easy pace for 5 to 10 minutes, on the flat.",
                                    "Do this two to four times a day.",
                                    "Every day or two, add a couple of minutes to each walk "
                                    "if your back allows.",
                                    "On a bad day, go back to shorter walks rather than none.",
                                ],
                                "dosage": "Aim to build up to about 30 minutes a day, in one "
                                "walk or several.",
                            },
                        ),
                        _HOW_HARD,
                        _NOT_A_DIAGNOSIS,
                    ],
                },
                {
                    "slug": "gentle-movement",
                    "title": "Gentle movement: knee rocking and cat–camel",
                    "summary": "Two easy exercises to ease a stiff, sore back, followed in the "
                    "player.",
                    "preview": False,
                    "release": {"rule": "enrolment", "days": 0},
                    "program": {
                        "name": "Low back course: gentle movement",
                        "goal": "Ease stiffness and keep the back moving while it settles.",
                        "weekdays": "0123456",
                        "items": [("knee-rocking", None), ("cat-camel", None)],
                    },
                    "body": [
                        ("heading", "Why gentle movement?"),
                        (
                            "paragraph",
                            "<p>A sore back often feels stiff, and holding it still tends to "
                            "make that worse. These two exercises move the back through a "
                            "comfortable range without load. Comfort is the aim, not how far "
                            "you go.</p>",
                        ),
                        ("exercise", {"exercise": "knee-rocking"}),
                        ("exercise", {"exercise": "cat-camel"}),
                        (
                            "paragraph",
                            "<p>Open the routine in the player: it walks you through each "
                            "exercise and keeps a log of what you did and how your back felt. "
                            "Doing it twice a day is plenty.</p>",
                        ),
                        _HOW_HARD,
                        _NOT_A_DIAGNOSIS,
                    ],
                },
                {
                    "slug": "pacing-and-flare-ups",
                    "title": "Pacing and flare-ups",
                    "summary": "How to judge how much to do, and a plan for the days when your "
                    "back flares up.",
                    "preview": False,
                    "release": {"rule": "previous"},
                    "body": [
                        ("heading", "What is pacing?"),
                        (
                            "paragraph",
                            "<p>Pacing means doing a steady amount most days instead of a lot "
                            "on good days and nothing on bad ones. Find an amount of walking "
                            "or exercise you can manage even on an average day, start there, "
                            "and add a little each week.</p>",
                        ),
                        ("heading", "What should I do in a flare-up?"),
                        (
                            "steps",
                            {
                                "title": "A flare-up plan",
                                "steps": [
                                    "Remind yourself that flare-ups are common and usually "
                                    "settle; they are not a sign of new damage.",
                                    "Keep moving, but do shorter walks and smaller, easier "
                                    "versions of your exercises for a few days.",
                                    "Change position often, and use a warm pack if it helps.",
                                    "Build back up to your usual amount as the pain eases.",
                                    "Check the warning signs in lesson 2: if any appear, "
                                    "get care first.",
                                ],
                                "dosage": "Most flare-ups ease within a few days to a couple "
                                "of weeks. Book a visit if yours does not.",
                            },
                        ),
                        (
                            "paragraph",
                            "<p>Sleep, stress and worry can turn the volume of pain up, and "
                            "that is not 'all in your head': it is how the alarm system works. "
                            "Looking after them is part of looking after your back.</p>",
                        ),
                        _NOT_A_DIAGNOSIS,
                    ],
                },
            ],
        },
        {
            "slug": "getting-stronger",
            "title": "Getting stronger, and what comes next",
            "summary": "Strength exercises, a routine to keep, and when to see a physical "
            "therapist.",
            "questionnaire_at_end": True,
            "lessons": [
                {
                    "slug": "strength-bridges-and-bird-dogs",
                    "title": "Strength: glute bridges and bird dogs",
                    "summary": "Two strength exercises for the hips and trunk, followed in the "
                    "player.",
                    "preview": False,
                    "release": {"rule": "enrolment", "days": 7},
                    "program": {
                        "name": "Low back course: strength",
                        "goal": "Build strength in the hips and trunk for everyday tasks.",
                        "weekdays": "024",
                        "items": [("glute-bridge", None), ("bird-dog", None)],
                    },
                    "body": [
                        ("heading", "Why strength?"),
                        (
                            "paragraph",
                            "<p>Stronger hips and trunk make lifting, stairs and getting up "
                            "from a chair easier, and many people feel more confident in "
                            "their back as they get stronger. No one exercise is best for "
                            "back pain: the one you will keep doing is the right one.</p>",
                        ),
                        ("exercise", {"exercise": "glute-bridge"}),
                        ("exercise", {"exercise": "bird-dog"}),
                        (
                            "paragraph",
                            "<p>Three days a week is a good start, with a rest day between. "
                            "Open the routine in the player to follow it and log it.</p>",
                        ),
                        _HOW_HARD,
                        _NOT_A_DIAGNOSIS,
                    ],
                },
                {
                    "slug": "a-routine-to-keep",
                    "title": "A routine to keep",
                    "summary": "Putting it together: one short routine for the weeks ahead.",
                    "preview": False,
                    "release": {"rule": "previous"},
                    "program": {
                        "name": "Low back course: a routine to keep",
                        "goal": "One short routine to keep the back moving and strong.",
                        "weekdays": "024",
                        "items": [
                            ("cat-camel", None),
                            ("sit-to-stand", None),
                            ("glute-bridge", None),
                            ("bird-dog", None),
                        ],
                    },
                    "body": [
                        ("heading", "How do I keep it going?"),
                        (
                            "paragraph",
                            "<p>Exercise helps most when it becomes part of your week. This "
                            "routine takes about fifteen minutes. Keep walking on the other "
                            "days, and if you enjoy something else (swimming, cycling, yoga, "
                            "a class), that counts too.</p>",
                        ),
                        ("exercise", {"exercise": "sit-to-stand"}),
                        (
                            "steps",
                            {
                                "title": "Making it harder, one change at a time",
                                "steps": [
                                    "When 3 sets of 10 feel easy, add a few repetitions.",
                                    "Then slow the movement down, or hold at the hardest "
                                    "point for a few seconds.",
                                    "Then try the harder versions your physical therapist "
                                    "shows you, such as a single-leg bridge.",
                                ],
                                "dosage": "Change one thing a week, and only while your back "
                                "stays within the guide to how much is enough.",
                            },
                        ),
                        _NOT_A_DIAGNOSIS,
                    ],
                },
                {
                    "slug": "when-to-see-a-physical-therapist",
                    "title": "When to see a physical therapist",
                    "summary": "What a visit adds, when to book one, and how.",
                    "preview": False,
                    "release": {"rule": "previous"},
                    "see_pt": True,
                    "body": [
                        ("heading", "When should I book a visit?"),
                        (
                            "paragraph",
                            "<p>Starting at home is a good plan for most back pain. See us "
                            "if:</p>"
                            "<ul><li>the pain is not easing after a couple of weeks of staying "
                            "active;</li>"
                            "<li>it keeps coming back, or stops you working, sleeping or "
                            "doing what you enjoy;</li>"
                            "<li>pain, numbness or pins and needles spread down one leg;</li>"
                            "<li>you are not sure an exercise is right for you, or you are "
                            "afraid to move.</li></ul>",
                        ),
                        ("heading", "What happens at a visit?"),
                        (
                            "paragraph",
                            "<p>A physical therapist asks about your pain and your life, "
                            "checks for warning signs, examines how you move, and builds a "
                            "plan with you. The exercise log and questionnaire from this "
                            "course can help that conversation. Visits are in the clinic or "
                            "by video.</p>",
                        ),
                        _EMERGENCY,
                        _NOT_A_DIAGNOSIS,
                    ],
                },
            ],
        },
    ],
}
