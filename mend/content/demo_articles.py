"""Demo articles for the fictional clinic "Riverside Physical Therapy".

Data only: `mend.content.demo` turns each dict into a published ArticlePage.
The clinical content follows the project's evidence notes (Achilles loading
and pain monitoring, red flags); every article is general education and points
readers to a visit with a clinician. A licensed PT reviews real content.
"""

from __future__ import annotations

# The closing note every article carries, so no article can leave it out.
_NOT_A_DIAGNOSIS = (
    "callout",
    {
        "kind": "note",
        "title": "This article is education, not a diagnosis",
        "text": "<p>Only a clinician who has examined you can tell what is causing your "
        "pain. If you are unsure or not improving, book a visit with one of our physical "
        "therapists at Riverside Physical Therapy, in the clinic or by video.</p>",
    },
)

_PAIN_RULE = (
    "callout",
    {
        "kind": "note",
        "title": "The pain-monitoring rule for tendon pain",
        "text": "<p>Rate your pain from 0 (none) to 10 (the worst you can imagine).</p>"
        "<ul><li><b>0–2:</b> fine.</li>"
        "<li><b>3–5:</b> acceptable during activity, if it has settled by the next "
        "morning.</li>"
        "<li><b>Above 5</b>, or not settled by morning: do less next time.</li></ul>"
        "<p>Pain and morning stiffness should not creep up from week to week. If they do, "
        "ease off.</p>",
    },
)

# Stop-and-get-checked signs for the Achilles and calf, in every article that loads them.
_ACHILLES_SAME_DAY = (
    "callout",
    {
        "kind": "warning",
        "title": "Achilles or calf: stop exercising and get care the same day if",
        "text": "<ul><li>you felt a sudden pop or snap at the back of the ankle, or it felt as "
        "if someone kicked you in the heel;</li>"
        "<li>you cannot rise onto tiptoe on that leg, or cannot push off as you walk;</li>"
        "<li>you can see or feel a gap or dent in the tendon;</li>"
        "<li>one calf is newly swollen, warm or painful, above all after a long journey, "
        "surgery or days in bed;</li>"
        "<li>the heel or tendon is red, hot and swollen, or you have a fever.</li></ul>"
        "<p>The first three can be signs of a torn tendon, and being able to walk does not rule "
        "that out. A swollen, warm calf can be a blood clot: <b>if you are also short of breath "
        "or have chest pain, call the emergency number now.</b></p>"
        "<p><b>Ask your doctor or physical therapist before you load the tendon</b> if you are "
        "taking, or have recently taken, a fluoroquinolone antibiotic (such as ciprofloxacin or "
        "levofloxacin), or have had a steroid injection near the tendon. Both are linked with "
        "tendon tears.</p>",
    },
)

ARTICLES: list[dict[str, object]] = [
    {
        "slug": "achilles-pain-running-hamstring-stretch",
        "title": "Achilles pain when running: does a tight hamstring matter?",
        "standfirst": "Runners with Achilles pain are often told to stretch their hamstrings. "
        "Here is where that stretch fits, why calf strength matters more for running, and "
        "when to stop and get checked the same day.",
        "days_ago": 3,
        "author": "ada",
        "tags": ["achilles", "running", "stretching"],
        "video_url": "https://www.youtube.com/watch?v=mendDemo001",
        "video_title": "Standing hamstring stretch, shown by Dr. Ada Reyes",
        "seo_title": "Achilles pain when running: does a tight hamstring matter?",
        "search_description": "Achilles pain when you run? Where a hamstring stretch fits, why "
        "calf strength comes first, and the signs that need same-day care.",
        "body": [
            ("heading", "Why does my Achilles hurt when I run?"),
            (
                "paragraph",
                "<p>The Achilles tendon joins your calf muscles to your heel bone. When your "
                "foot lands, the calf and tendon brake your shin as it moves forward over the "
                "foot, then push you off. If your running load rises faster than the tendon "
                "can adapt (more distance, more hills, faster sessions), it may get sore.</p>"
                "<p>The pain is often in the middle of the tendon, or where it meets the "
                "heel bone. A clinician can check which; it changes what you should do.</p>",
            ),
            ("heading", "Can tight hamstrings cause Achilles pain?"),
            (
                "paragraph",
                "<p>A popular idea is that stiff hamstrings fail to slow the shin, so the "
                "Achilles has to work harder. But the hamstrings run from the pelvis to just "
                "below the knee. They do not cross the ankle. Braking the shin is the calf "
                "muscles' job.</p>"
                "<p>Connective tissue does link the back of the leg from foot to hip, but no "
                "trial has shown that stretching the hamstrings treats Achilles pain, and "
                "tight hamstrings are not a known risk factor. Weaker calves may be, though "
                "that evidence is limited.</p>",
            ),
            ("heading", "Is the standing hamstring stretch still worth doing?"),
            (
                "paragraph",
                "<p>It can be, as an optional extra. With the heel down and the toes up, it "
                "stretches the calf and Achilles as well as the thigh. Some people with pain "
                "in the middle of the tendon find it eases stiffness around a run. It is a "
                "comfort drill, not the treatment. If it makes the pain worse, drop it.</p>",
            ),
            (
                # The standing hamstring stretch from the exercise library, with this
                # article's dosage; the demo loader turns the slug into the exercise.
                "exercise",
                {
                    "exercise": "standing-hamstring-stretch",
                    "dosage": {
                        "hold_s": 30,
                        "hold_max_s": 60,
                        "hold_movement": "gently turn the leg in and out",
                        "sides": "each",
                        "side_label": "leg",
                        "timing": ["before_activity", "during_activity", "after_activity"],
                        "activity_label": "runs",
                    },
                },
            ),
            (
                "callout",
                {
                    "kind": "warning",
                    "title": "Pain where the tendon meets the heel? Skip this stretch for now",
                    "text": "<p>At the back of the heel, pulling the toes toward the shin "
                    "squeezes the tendon against the bone and may irritate it. Early on, "
                    "leave out this stretch and other calf stretches, and do calf raises on a "
                    "flat floor rather than off a step. A clinician can tell you when to add "
                    "them back.</p>",
                },
            ),
            ("heading", "What actually helps Achilles pain from running?"),
            (
                "paragraph",
                "<p>Making the calf and tendon stronger, step by step, over weeks:</p>"
                "<ol><li>calf raises on the floor, with the knee straight and then bent;</li>"
                "<li>slow heel drops off a step, or heavy, slow calf raises with a "
                "weight;</li>"
                "<li>a gradual return to your usual running.</li></ol>"
                "<p>You often do not need to stop running completely. This rule helps you "
                "judge how much is right.</p>",
            ),
            _PAIN_RULE,
            (
                "callout",
                {
                    "kind": "evidence",
                    "title": "What the research says",
                    "text": "<p>Calf loading is the core of care for pain in the middle of the "
                    "tendon. Daily heel drops off a step (Alfredson, 1998) and heavy, slow "
                    "calf raises three times a week (Beyer, 2015) gave similar results. In a "
                    "2007 study (Silbernagel and colleagues), people kept running while "
                    "following a pain rule like the one above.</p>",
                },
            ),
            _ACHILLES_SAME_DAY,
            ("heading", "When should I see a physical therapist about Achilles pain?"),
            (
                "paragraph",
                "<p>Book a visit if the pain has not begun to settle after a few weeks of "
                "loading, keeps coming back, or you are not sure where it is. We can check "
                "the tendon, measure your calf strength and plan your running with you.</p>",
            ),
            _NOT_A_DIAGNOSIS,
        ],
    },
    {
        "slug": "calf-stretches-straight-knee-bent-knee",
        "title": "Calf stretches for runners: straight knee and bent knee",
        "standfirst": "Your calf is really two muscles, and each one needs a slightly "
        "different stretch. Here is how to do both, how long to hold them, and when to leave "
        "stretching out.",
        "days_ago": 10,
        "author": "ada",
        "tags": ["calf", "stretching", "running"],
        "video_url": "https://www.youtube.com/watch?v=mendDemo002",
        "video_title": "Two wall calf stretches, shown by Dr. Ada Reyes",
        "seo_title": "Calf stretches: straight-knee and bent-knee, step by step",
        "search_description": "How to stretch both calf muscles against a wall, how long to "
        "hold each stretch, and when calf stretching is not a good idea.",
        "body": [
            ("heading", "Why do I need two different calf stretches?"),
            (
                "paragraph",
                "<p>The big muscle you can see at the back of your lower leg starts above "
                "the knee. A flatter muscle lies under it and starts below the knee. Both "
                "join the Achilles tendon.</p>"
                "<p>Because the top muscle crosses the knee, it stretches best with the knee "
                "straight. Bending the knee lets it go slack, which moves the stretch to the "
                "deeper muscle. So one stretch with a straight knee and one with a bent knee "
                "covers the whole calf.</p>",
            ),
            ("heading", "How do I stretch my calf against a wall?"),
            (
                "steps",
                {
                    "title": "Straight-knee calf stretch",
                    "steps": [
                        "Face a wall and rest both hands on it at shoulder height.",
                        "Step one foot back. Point both feet straight ahead.",
                        "Keep the back knee straight and the back heel flat on the floor.",
                        "Bend the front knee and lean your hips toward the wall.",
                        "Stop when you feel a stretch in the upper part of the back calf.",
                    ],
                    "dosage": "Hold 30 s, twice on each leg (about 60 s per leg in total). "
                    "Daily is best; aim for at least 2–3 days a week.",
                },
            ),
            (
                "steps",
                {
                    "title": "Bent-knee calf stretch",
                    "steps": [
                        "Start in the same position, with the back foot a little closer to "
                        "the wall.",
                        "Keep the back heel flat on the floor.",
                        "Slowly bend the back knee, as if sitting down a little.",
                        "Feel the stretch lower down, near the ankle.",
                    ],
                    "dosage": "Hold 30 s, twice on each leg. Older adults may find longer "
                    "holds of 30–60 s work better.",
                },
            ),
            ("heading", "Should I stretch my calves before a run?"),
            (
                "paragraph",
                "<p>You can if it feels good, but do not count on it to prevent injury. A "
                "review of trials across many sports found that strength training reduced "
                "sports injuries, while stretching did not; it was not a study of runners in "
                "particular. Many runners prefer to "
                "stretch after a run or in the evening, and to warm up with easy jogging "
                "instead.</p>"
                "<p>A stretch should feel like a strong, steady pull, not pain. Breathe "
                "slowly and do not bounce.</p>",
            ),
            (
                "callout",
                {
                    "kind": "evidence",
                    "title": "How long to hold a stretch",
                    "text": "<p>The American College of Sports Medicine suggests holding "
                    "each stretch for 10–30 seconds (30–60 seconds for older adults), "
                    "repeating it to reach about 60 seconds per muscle, on at least 2–3 days "
                    "a week. Stretching every day gives the most benefit.</p>",
                },
            ),
            ("heading", "When should I not stretch my calf?"),
            (
                "callout",
                {
                    "kind": "warning",
                    "title": "Pain where the Achilles meets the heel? Leave calf stretching out",
                    "text": "<p>Stretching can squeeze the tendon against the heel bone there. "
                    "Skip it early on, and ask a clinician when to add it back.</p>",
                },
            ),
            _ACHILLES_SAME_DAY,
            _NOT_A_DIAGNOSIS,
        ],
    },
    {
        "slug": "plantar-heel-pain-plantar-fascia",
        "title": "Heel pain in the morning: a guide to the plantar fascia",
        "standfirst": "Sharp pain under the heel with your first steps of the day is common. "
        "Here is what may be going on, simple things that often help, and when to get it "
        "checked.",
        "days_ago": 17,
        "author": "lena",
        "tags": ["plantar-fascia", "foot", "stretching"],
        "video_url": "https://www.youtube.com/watch?v=mendDemo003",
        "video_title": "Seated plantar fascia stretch, shown by Dr. Lena Park",
        "seo_title": "Heel pain in the morning? A guide to the plantar fascia",
        "search_description": "Pain under the heel with your first steps? What the plantar "
        "fascia is, what often helps at home, and when to see a clinician.",
        "body": [
            ("heading", "Why does the bottom of my heel hurt in the morning?"),
            (
                "paragraph",
                "<p>The plantar fascia is a thick band of tough tissue under your foot. It "
                "runs from the heel bone to the base of the toes and helps hold up your "
                "arch. When it is irritated, people often feel:</p>"
                "<ul><li>sharp pain under the heel with the first steps out of bed;</li>"
                "<li>pain that eases once they get moving, then returns after long standing "
                "or walking;</li>"
                "<li>pain when standing up after sitting for a while.</li></ul>"
                "<p>It often follows a change, such as more walking, running or time on your "
                "feet, new shoes, or a new hard floor at work. Other problems can cause heel "
                "pain too, so a clinician should check it if you are unsure.</p>",
            ),
            ("heading", "What can I do at home for plantar fascia pain?"),
            (
                "paragraph",
                "<p>There is rarely one quick fix, and it can take months rather than weeks "
                "to settle. Small steady habits tend to add up:</p>"
                "<ul><li><b>Ease the load for a while, without stopping.</b> Cut back long "
                "walks or runs for a few weeks, and swap in cycling or swimming if you "
                "like.</li>"
                "<li><b>Wear supportive shoes</b> and avoid walking barefoot on hard floors "
                "early on. Some people find a cushioned insole helps.</li>"
                "<li><b>Stretch the sole and the calf</b> before your first steps in the "
                "morning.</li>"
                "<li><b>Build calf strength</b> with heel raises once the pain allows.</li>"
                "</ul>",
            ),
            (
                "steps",
                {
                    "title": "Seated plantar fascia stretch",
                    "steps": [
                        "Sit down and rest the sore foot across your other knee.",
                        "Hold your toes and gently pull them back toward your shin.",
                        "With your other hand, feel the band under your arch: it should feel firm.",
                        "Hold the stretch, then slowly let the toes go.",
                    ],
                    "dosage": "Hold for 10 seconds and repeat 10 times, three times a day. "
                    "Make one round before your first steps in the morning, and stretch again "
                    "before you stand up after sitting for a long time.",
                },
            ),
            (
                "paragraph",
                "<p>Many people also do the wall calf stretches from our calf stretch "
                "article, with the knee straight and then bent. Ease off any stretch that "
                "makes your heel pain sharper the next day.</p>",
            ),
            ("heading", "When should I see someone about heel pain?"),
            (
                "callout",
                {
                    "kind": "warning",
                    "title": "Get your heel checked",
                    "text": "<p><b>The same day</b> if:</p>"
                    "<ul><li>the heel is red, hot and swollen, or you have a fever;</li>"
                    "<li>the pain started with a fall or a jump and you cannot put weight on "
                    "the foot.</li></ul>"
                    "<p><b>Within a few days</b> if:</p>"
                    "<ul><li>you have numbness, tingling or burning in the foot;</li>"
                    "<li>the pain wakes you at night or is there even at rest;</li>"
                    "<li>both heels hurt and other joints are sore or swollen too;</li>"
                    "<li>it is not getting better after a few weeks of home care.</li></ul>",
                },
            ),
            (
                "paragraph",
                "<p>At a visit we can look at how you stand and walk, test your calf "
                "strength and foot mobility, and plan a program that fits your day. Got a "
                "question you would like us to write about? Email us at "
                "hello@riverside-pt.example.</p>",
            ),
            _NOT_A_DIAGNOSIS,
        ],
    },
    {
        "slug": "low-back-pain-at-home-what-helps-first",
        "title": "Low back pain at home: what helps first?",
        "standfirst": "A new bout of low back pain can be scary, but it often eases with time "
        "and gentle movement. Here is where to start at home, and the warning signs that "
        "mean you should go to the emergency department now.",
        "days_ago": 24,
        "author": "sam",
        "tags": ["low-back", "home-exercise"],
        "video_url": "",
        "video_title": "",
        "seo_title": "Low back pain at home: what helps first?",
        "search_description": "Sore lower back? Why gentle movement usually helps more than "
        "bed rest, an easy exercise to start with, and the warning signs not to ignore.",
        "body": [
            ("heading", "What should I do first when my lower back hurts?"),
            (
                "paragraph",
                "<p>For most people, new low back pain is not a sign of serious damage, even "
                "when it hurts a lot. Back pain guidelines generally encourage people to "
                "stay as active as they can, rather than resting in bed. Things that often "
                "help in the first days:</p>"
                "<ul><li>short, easy walks, a few times a day;</li>"
                "<li>changing position often, instead of sitting or lying still for "
                "hours;</li>"
                "<li>keeping up your normal day, including work, with changes where "
                "needed;</li>"
                "<li>a warm pack, if it feels good.</li></ul>",
            ),
            ("heading", "Is it safe to move with back pain?"),
            (
                "paragraph",
                "<p>Usually, yes. Pain when you move does not always mean harm, and gentle "
                "movement tends to ease stiffness. Start small and do a little more each "
                "day. If one movement hurts a lot, try a smaller version of it.</p>",
            ),
            ("heading", "What gentle exercise can I do at home for back pain?"),
            (
                "steps",
                {
                    "title": "Knee rocking",
                    "steps": [
                        "Lie on your back on the bed or floor, knees bent and feet flat.",
                        "Rest your arms by your sides and let your shoulders relax.",
                        "Keeping your knees together, let them sway slowly to one side.",
                        "Go only as far as is comfortable, then bring them back through the "
                        "middle to the other side.",
                    ],
                    "dosage": "10 slow rocks to each side, 2–3 times a day. Make the movement "
                    "smaller if it hurts, and stop if pain spreads down your leg.",
                },
            ),
            (
                "paragraph",
                "<p>Walking counts as exercise too. Start with 5–10 minutes at an easy pace, "
                "two to four times a day, and add a few minutes as your back allows.</p>",
            ),
            (
                "callout",
                {
                    "kind": "warning",
                    "title": "Go to the emergency department now if you notice",
                    "text": "<ul><li>you cannot feel the toilet paper when you wipe;</li>"
                    "<li>the skin between your legs, or around your bottom or genitals, feels "
                    "numb or different;</li>"
                    "<li>you cannot pee, have to strain to start, or cannot feel the urine "
                    "passing;</li>"
                    "<li>you leak urine or stool without feeling it coming;</li>"
                    "<li>sex feels different in a new way, for example less feeling;</li>"
                    "<li>pain, numbness or pins and needles in <b>both</b> legs;</li>"
                    "<li>your legs are getting weaker, or you trip or walk differently.</li>"
                    "</ul><p>These can mean the nerves at the base of the spine are being "
                    "squeezed (cauda equina syndrome). It needs hospital care straight away. "
                    "Do not wait for an appointment.</p>",
                },
            ),
            (
                "callout",
                {
                    "kind": "warning",
                    "title": "Call the emergency number if",
                    "text": "<p>you have a sudden, tearing or pulsing pain in your belly or "
                    "back. Rarely, back pain comes from the main blood vessel in the belly "
                    "(the aorta), and that cannot wait. It is more likely in older people, "
                    "especially men who smoke.</p>",
                },
            ),
            (
                "callout",
                {
                    "kind": "warning",
                    "title": "Contact a doctor soon if",
                    "text": "<p><b>The same day</b> if you have a fever or chills with the back "
                    "pain, you inject drugs or have a weakened immune system (from an illness "
                    "or from medicines such as steroids or chemotherapy), a foot that drags or "
                    "slaps as you walk, or pain after a fall (even a small one if you have "
                    "weak bones or take steroid tablets).</p>"
                    "<p><b>Within a few days</b> if this is new back pain and you are over 50, "
                    "you have had cancer before, are losing weight without trying, have "
                    "constant pain that is worse at night and does not ease when you change "
                    "position, or the pain is no better after a month.</p>",
                },
            ),
            ("heading", "When should I see a physical therapist for back pain?"),
            (
                "paragraph",
                "<p>If the pain is not easing after a couple of weeks, keeps coming back, or "
                "stops you working, sleeping or doing what you enjoy, book a visit. We will "
                "check for warning signs and build a plan with you, in the clinic or by "
                "video.</p>",
            ),
            _NOT_A_DIAGNOSIS,
        ],
    },
    {
        "slug": "runners-knee-patellofemoral-pain",
        "title": "Runner's knee: easing pain around the kneecap",
        "standfirst": "An ache around or behind the kneecap is common in runners. Adjusting "
        "how much you run and strengthening your hips and thighs are usually the first "
        "steps.",
        "days_ago": 31,
        "author": "sam",
        "tags": ["knee", "running", "strength"],
        "video_url": "",
        "video_title": "",
        "seo_title": "Runner's knee (patellofemoral pain): load and strength",
        "search_description": "Pain around the kneecap when you run or take the stairs? How to "
        "adjust your running and strengthen your hips and thighs.",
        "body": [
            ("heading", "What is runner's knee?"),
            (
                "paragraph",
                "<p>Runner's knee is the everyday name for pain around or behind the "
                "kneecap. Clinicians call it patellofemoral pain. It often:</p>"
                "<ul><li>aches during or after running, especially downhill;</li>"
                "<li>hurts on stairs, when squatting or kneeling;</li>"
                "<li>gets stiff and sore after sitting for a long time with bent "
                "knees.</li></ul>"
                "<p>In general, pain during or after activity can be a sign that a part of "
                "the body is taking more load than it is used to at the moment; it does not "
                "always mean damage. Other knee problems can feel similar, and a clinician "
                "who examines your knee can tell you what is behind yours.</p>",
            ),
            ("heading", "Do I have to stop running with runner's knee?"),
            (
                "paragraph",
                "<p>Often not completely. The aim is to find an amount of running your knee "
                "can cope with, then build from there. You could try:</p>"
                "<ul><li>shorter runs, on flatter routes;</li>"
                "<li>fewer hills, especially downhill;</li>"
                "<li>an extra rest day between runs;</li>"
                "<li>cycling or swimming to keep your fitness up.</li></ul>"
                "<p>A mild ache that has settled by the next morning is usually fine. If the "
                "knee is sorer the next day, do less next time.</p>",
            ),
            ("heading", "Which exercises help runner's knee?"),
            (
                "paragraph",
                "<p>Strengthening the muscles around the hips and thighs is a common part of "
                "care, and many people improve with it. These two exercises are a simple "
                "place to start.</p>",
            ),
            (
                "steps",
                {
                    "title": "Sit to stand from a chair",
                    "steps": [
                        "Sit near the front of a firm chair, feet hip-width apart.",
                        "Lean forward a little and stand up without using your hands.",
                        "Keep your knees in line with your toes; do not let them fall inward.",
                        "Sit back down slowly, taking about 3 seconds.",
                    ],
                    "dosage": "3 sets of 10, every other day. Use a higher seat if it hurts "
                    "and a lower one as it gets easy.",
                },
            ),
            (
                "steps",
                {
                    "title": "Side-lying leg raise",
                    "steps": [
                        "Lie on your side with the bottom knee bent for balance.",
                        "Keep the top leg straight, in line with your body.",
                        "Lift the top leg toward the ceiling, leading with the heel.",
                        "Lower it slowly. Do not roll your hips backward.",
                    ],
                    "dosage": "3 sets of 10–15 on each side, every other day. Add an ankle "
                    "weight or a band when 15 feels easy.",
                },
            ),
            (
                "callout",
                {
                    "kind": "note",
                    "title": "Strength takes time",
                    "text": "<p>Muscles usually need several weeks of regular work before "
                    "they get stronger. Keep a simple log of your runs and exercises, with a "
                    "0–10 pain score, so you can see the trend.</p>",
                },
            ),
            (
                "callout",
                {
                    "kind": "warning",
                    "title": "Get your knee checked if",
                    "text": "<ul><li>it swells up quickly, locks or gives way;</li>"
                    "<li>the pain started with a twist, a fall or a blow to the knee;</li>"
                    "<li>you cannot fully straighten it or put weight on it;</li>"
                    "<li>it is red and hot, or you feel unwell with a fever;</li>"
                    "<li>a child or teenager has knee pain and a limp. A problem in the hip "
                    "can be felt in the knee, so have them seen by a doctor soon, the same day "
                    "if you can, and ask for the hip to be checked too.</li></ul>",
                },
            ),
            (
                "paragraph",
                "<p>If your knee is not getting better after a few weeks of these changes, "
                "book a visit. We can look at how you run, test your strength, and plan "
                "your return to longer runs.</p>",
            ),
            _NOT_A_DIAGNOSIS,
        ],
    },
    {
        "slug": "heel-raises-calf-strength-step-by-step",
        "title": "Heel raises: how to build calf strength step by step",
        "standfirst": "Strong calves help you walk, run and jump, and calf strength is at the "
        "core of Achilles rehab. Here is how to start on the floor, build up to one leg, and "
        "then choose one of two tested loading programmes.",
        "days_ago": 38,
        "author": "ada",
        "tags": ["achilles", "calf", "strength"],
        "video_url": "https://www.youtube.com/watch?v=mendDemo006",
        "video_title": "Heel raises from floor to single leg, shown by Dr. Ada Reyes",
        "seo_title": "Heel raises: build calf strength step by step",
        "search_description": "A step-by-step heel raise plan: on the floor, then on one leg, "
        "then one of two loading programmes, with sets, reps and a pain rule for Achilles pain.",
        "body": [
            ("heading", "Why does calf strength matter?"),
            (
                "paragraph",
                "<p>Your calf and Achilles tendon take a large share of the load each time "
                "you walk, run or jump. Some studies link weaker calves with later Achilles "
                "pain, though the evidence is limited. Slowly building calf strength is also "
                "the centre of care for most Achilles pain.</p>",
            ),
            ("heading", "How do I do a heel raise properly?"),
            (
                "steps",
                {
                    "title": "Level 1: heel raises on the floor, both legs",
                    "steps": [
                        "Stand facing a wall or counter and rest your fingertips on it.",
                        "Place your feet hip-width apart.",
                        "Rise up onto the balls of your feet as high as you can, counting to 3.",
                        "Keep your weight over your big toe and second toe.",
                        "Lower your heels slowly to the floor, again counting to 3.",
                        "Do the same sets again with your knees slightly bent.",
                    ],
                    "dosage": "3 sets of 15 with knees straight and 3 sets of 15 with knees "
                    "bent. 3 s up, 3 s down, 1–2 min rest between sets. 3 days a week.",
                },
            ),
            ("heading", "When can I move on to the next level?"),
            (
                "paragraph",
                "<p>Move up when the sets feel steady and your pain stays within the rule "
                "below. Staying at one level for a few weeks is normal.</p>",
            ),
            (
                "steps",
                {
                    "title": "Level 2: heel raises on one leg, on the floor",
                    "steps": [
                        "Do Level 1 on one leg at a time, fingertips on the wall for balance.",
                        "Rise over 3 seconds and lower over 3 seconds.",
                        "Do the same sets again with the knee slightly bent.",
                    ],
                    "dosage": "3 sets of 15 on each leg with the knee straight, and 3 with it "
                    "bent, 3 days a week. If 15 on one leg is too many, start with fewer and "
                    "add a few each week.",
                },
            ),
            _PAIN_RULE,
            (
                "callout",
                {
                    "kind": "warning",
                    "title": "Pain where the tendon meets the heel? Stay on the floor",
                    "text": "<p>If your pain is at the back of the heel bone, letting the "
                    "heel drop below the level of a step can squeeze the tendon there. Do "
                    "your raises on a flat floor, adding weight when they get easy, until a "
                    "clinician says otherwise. The step versions below are for pain in the "
                    "middle of the tendon.</p>",
                },
            ),
            ("heading", "What comes after the floor?"),
            (
                "paragraph",
                "<p>For pain in the middle of the tendon, two loading programmes have been "
                "tested, each on its own, and gave similar results. They are alternatives, "
                "not steps of one ladder: choose one with your clinician, and do not add "
                "them together.</p>",
            ),
            (
                "steps",
                {
                    "title": "Option A: heavy, slow calf raises, 3 days a week",
                    "steps": [
                        "Stand on the edge of a step on the ball of one foot, holding the rail, "
                        "or sit with a weight across your knees.",
                        "Rise over 3 seconds and lower over 3 seconds.",
                        "Add weight: a backpack with books, a weight in your hand or on your "
                        "knees, or a calf machine at the gym.",
                    ],
                    "dosage": "3–4 sets, 3 s up and 3 s down, 2–3 min rest, 3 days a week. "
                    "Start with a load you can lift about 15 times; over the weeks, go heavier "
                    "with fewer reps (down to about 6).",
                },
            ),
            (
                "steps",
                {
                    "title": "Option B: slow heel drops off a step, every day",
                    "steps": [
                        "Stand on the edge of a stair with the balls of your feet on the "
                        "step and your heels hanging off. Hold the rail.",
                        "Rise up on both feet.",
                        "Lift the other foot, so you are on the sore leg only.",
                        "Lower slowly, over about 3 seconds, until the heel is a little "
                        "below the step.",
                        "Put the other foot back down and rise up on both feet again.",
                        "Do the same with the knee slightly bent.",
                    ],
                    "dosage": "The full programme is 3 sets of 15 with the knee straight and 3 "
                    "sets of 15 with it bent, twice a day, every day: far more than Level 2, "
                    "so build up to it over one to two weeks. For example, start with 1 set "
                    "of each once a day, and add a set every few days while your pain stays "
                    "within the rule. Your clinician may set a different start.",
                },
            ),
            (
                "callout",
                {
                    "kind": "evidence",
                    "title": "Where these numbers come from",
                    "text": "<p>Option A follows the heavy, slow program of Beyer and "
                    "colleagues (2015): three sessions a week, with the load going up as the "
                    "repetitions come down. Option B follows a well-known program for pain in "
                    "the middle of the tendon (Alfredson, 1998): heel drops twice a day for 12 "
                    "weeks, adding weight once they are pain-free. The two were tested "
                    "separately, not one after the other, and gave similar results.</p>",
                },
            ),
            _ACHILLES_SAME_DAY,
            (
                "paragraph",
                "<p>If progress stalls, book a visit: we can test your calf strength and set "
                "the right level.</p>",
            ),
            _NOT_A_DIAGNOSIS,
        ],
    },
    {
        "slug": "return-to-running-after-injury",
        "title": "Starting to run again after an injury: a step-by-step return",
        "standfirst": "Coming back too fast is one of the easiest ways to get hurt again. A "
        "graded plan and a simple pain check help you build your running back up.",
        "days_ago": 45,
        "author": "ada",
        "tags": ["running", "return-to-run", "achilles"],
        "video_url": "",
        "video_title": "",
        "seo_title": "Running again after an injury: a graded return plan",
        "search_description": "How to start running again after an injury: a walk-run plan, "
        "a simple 0–10 pain rule, and signs it is time to ease off or see a clinician.",
        "body": [
            ("heading", "When am I ready to start running again after an injury?"),
            (
                "paragraph",
                "<p>There is no single test, and the answer depends on the injury. As a "
                "rough guide, it helps if you can:</p>"
                "<ul><li>walk briskly for about 30 minutes without the pain building;</li>"
                "<li>do the strength exercises from your program with good control;</li>"
                "<li>hop gently on the spot on the injured leg without pain. With a sore "
                "tendon, mild pain within the rule below can be acceptable; after a bone "
                "stress injury, a fracture or surgery, hopping should be pain-free.</li></ul>"
                "<p>If you are unsure, a clinician can check your strength and hopping "
                "before you begin.</p>",
            ),
            ("heading", "How should I build up my running?"),
            (
                "paragraph",
                "<p>Start with walk-run intervals on flat, even ground. Change only one thing "
                "at a time: first total time, then speed, then hills. Leave a day between "
                "runs at first, and keep doing your strength work, such as heel raises, on "
                "the days in between.</p>",
            ),
            (
                "steps",
                {
                    "title": "Example first walk-run session",
                    "steps": [
                        "Walk briskly for 5 minutes to warm up.",
                        "Run easily for 1 minute, then walk for 2 minutes.",
                        "Repeat that run-walk pair 5 times.",
                        "Walk for 5 minutes to cool down.",
                        "Next morning, rate your pain and stiffness from 0 to 10.",
                    ],
                    "dosage": "3 sessions a week, never on two days in a row. After 2 "
                    "sessions in a row that pass the pain check, run 1 minute longer in "
                    "each pair, or walk 1 minute less.",
                },
            ),
            (
                "paragraph",
                "<p>Over several weeks the running parts get longer and the walking parts "
                "shorter, until you run the whole time. Then add distance slowly, and only "
                "later speed work and hills.</p>",
            ),
            ("heading", "How much pain is OK when I start running again?"),
            (
                "paragraph",
                "<p>It depends on what was injured. The rule below is for tendon pain, such as "
                "Achilles pain, where some discomfort while you run can be acceptable. After "
                "a bone stress injury (such as a stress fracture), a broken bone or surgery, "
                "running should be pain-free, or follow the plan your clinician or surgeon "
                "gave you.</p>",
            ),
            _PAIN_RULE,
            (
                "callout",
                {
                    "kind": "evidence",
                    "title": "Running with a pain rule",
                    "text": "<p>In a 2007 study of people with Achilles pain, Silbernagel and "
                    "colleagues let people keep running and jumping as long as they "
                    "followed a pain rule much like this one: up to 5 out of 10 during "
                    "activity, settled by the next morning, and no worse week to week.</p>",
                },
            ),
            (
                "callout",
                {
                    "kind": "warning",
                    "title": "Ease off and check in with a clinician if",
                    "text": "<ul><li>pain is still there the next morning more than once in "
                    "a week;</li>"
                    "<li>you start to limp, or change how you run to avoid pain;</li>"
                    "<li>the pain moves to a new place, or wakes you at night;</li>"
                    "<li>after a bone stress injury, a fracture or surgery, it hurts at all "
                    "where you were injured: stop that run.</li></ul>",
                },
            ),
            _ACHILLES_SAME_DAY,
            (
                "paragraph",
                "<p>We can write a return-to-run plan around your injury and goals, and "
                "adjust it as you go. Book a visit in the clinic or by video.</p>",
            ),
            _NOT_A_DIAGNOSIS,
        ],
    },
    {
        "slug": "glute-bridges-for-back-and-knee",
        "title": "Glute bridges: a simple strength exercise for your back and knees",
        "standfirst": "The glute bridge strengthens the muscles at the back of your hips. "
        "It is gentle enough to start at home and easy to make harder as you get "
        "stronger.",
        "days_ago": 52,
        "author": "lena",
        "tags": ["low-back", "knee", "strength", "home-exercise"],
        "video_url": "https://www.youtube.com/watch?v=mendDemo008",
        "video_title": "Glute bridge and three harder versions, shown by Dr. Lena Park",
        "seo_title": "Glute bridges for your back and knees: how to do them",
        "search_description": "How to do a glute bridge, how many to do, how to make it "
        "harder, and what to change if you feel it in your back or hamstrings.",
        "body": [
            ("heading", "What does a glute bridge work?"),
            (
                "paragraph",
                "<p>The bridge works your glutes (the muscles of your buttocks), along with "
                "your hamstrings and the muscles around your trunk. Strong hips help with "
                "stairs, getting up from a chair, lifting and running. That is why bridges "
                "often appear in home programs for back pain and for knee pain such as "
                "runner's knee.</p>",
            ),
            ("heading", "How do I do a glute bridge?"),
            (
                "steps",
                {
                    "title": "Glute bridge",
                    "steps": [
                        "Lie on your back with your knees bent and feet flat, hip-width apart.",
                        "Rest your arms by your sides, palms down.",
                        "Gently tighten your tummy muscles and squeeze your buttocks.",
                        "Push through your heels and lift your hips until your body makes a "
                        "straight line from shoulders to knees.",
                        "Hold at the top, then lower slowly, one part of your back at a time.",
                    ],
                    "dosage": "2–3 sets of 10, holding 2–3 s at the top. 3 days a week. Rest "
                    "about a minute between sets.",
                },
            ),
            ("heading", "How do I make a glute bridge harder?"),
            (
                "paragraph",
                "<p>When 3 sets of 10 feel easy, try one change at a time:</p>"
                "<ol><li>Hold at the top for 10 seconds.</li>"
                "<li>March: at the top, lift one foot a little, then the other.</li>"
                "<li>Single-leg bridge: lift with one foot on the floor, the other leg "
                "straight.</li>"
                "<li>Put your feet up on a low step or a sturdy box.</li></ol>",
            ),
            ("heading", "Why do I feel a glute bridge in my back or hamstrings?"),
            (
                "paragraph",
                "<p>Two common fixes:</p>"
                "<ul><li><b>Back pinching?</b> Do not lift as high, and keep your ribs "
                "down by gently tightening your tummy. The movement should come from the "
                "hips, not from arching the back.</li>"
                "<li><b>Hamstrings cramping?</b> Move your feet a little closer to your "
                "bottom, and think about pushing through your heels.</li></ul>",
            ),
            (
                "callout",
                {
                    "kind": "warning",
                    "title": "Stop and get checked if",
                    "text": "<p>pain spreads down your leg with numbness or weakness, or the "
                    "exercise makes your pain clearly worse the next day. If you have new "
                    "numbness between your legs, trouble passing urine, or pain or numbness "
                    "in both legs, go to the emergency department now.</p>",
                },
            ),
            (
                "paragraph",
                "<p>Not sure the bridge is right for you, or which version to start with? "
                "Book a visit and we will fit it into a plan for your back or knees. Ideas "
                "for our next article are welcome at hello@riverside-pt.example.</p>",
            ),
            _NOT_A_DIAGNOSIS,
        ],
    },
]
