"""Mend's starter library: rehab exercises written for the project, released under CC BY 4.0.

Written from the evidence notes in the project's domain facts (Achilles
loading, the pain-monitoring model, stretching doses). General education: a
licensed physical therapist reviews them before a clinic relies on them.
``load_exercises()`` adds the ones a library lacks and never overwrites a
clinic's edits; ``load_demo_programs()`` gives the demo clinic's patient a
program from a clinician, six weeks of sessions and answered questionnaires,
and each clinician a template.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction

from mend.accounts.models import User
from mend.care import services as care
from mend.care.models import Episode
from mend.exercises import library_io, services
from mend.exercises.models import Assignment, Exercise, Program
from mend.outcomes import demo as demo_outcomes

_R = library_io.starter_record
AROUND_RUNS = ["before_activity", "during_activity", "after_activity"]
PAIN_CAUTION = (
    "Some discomfort is fine: up to 5 out of 10 during the exercise, if it has settled by the "
    "next morning. Do less next time if it is more."
)
ACHILLES_RED_FLAG = (
    "A sudden pop or snap at the back of the ankle, or not being able to rise onto tiptoe on "
    "that leg, needs same-day care: no stretching or exercise until you have been checked."
)
INSERTIONAL = (
    "Pain where the Achilles meets the heel bone: leave this out early on. Pulling the toes "
    "toward the shin presses the tendon against the bone there. A clinician can say when to "
    "add it back."
)
CALF_LOADING_EVIDENCE = (
    "Progressive loading of the calf is the core of care for Achilles tendinopathy: daily "
    "heel drops off a step and heavy, slow calf raises three times a week gave similar "
    "results, and people could keep running while following a pain-monitoring rule."
)
ALFREDSON = "Alfredson H et al. Am J Sports Med 1998;26(3):360-366."
BEYER = "Beyer R et al. Am J Sports Med 2015;43(7):1704-1711."
SILBERNAGEL = "Silbernagel KG et al. Am J Sports Med 2007;35(6):897-906."
CPG = "Martin RL et al. J Orthop Sports Phys Ther 2018;48(5):A1-A38 (midportion Achilles CPG)."
ACSM = "American College of Sports Medicine, Guidelines for Exercise Testing and Prescription."

EXERCISES: list[dict[str, Any]] = [
    _R(
        slug="standing-hamstring-stretch",
        name="Standing hamstring stretch",
        aliases=["Heel-down hamstring stretch", "Hip hinge hamstring stretch"],
        summary="A gentle stretch for the back of the thigh and calf, done standing with the "
        "heel on the floor and the toes up. An optional comfort drill for runners.",
        regions=["thigh-hamstring", "calf-achilles"],
        purpose="stretch",
        steps=[
            "Stand tall and put one foot a small step forward, heel on the floor.",
            "Keep the natural inward curve in your low back. Never let it round.",
            "Hinge forward from the hips so your chest moves toward the floor.",
            "Keep the front knee slightly bent and pull your toes up toward your shin.",
            "Press the front heel down into the floor: straight down, not forward.",
            "Stop when you feel a stretch in the back of your thigh, and hold.",
        ],
        cues=[
            "A steady pull in the back of the thigh, perhaps the calf too; never sharp pain.",
            "Breathe slowly and let the stretch ease as you hold.",
            "If you turn the leg in and out while holding, keep the movement small and easy.",
        ],
        mistakes=[
            "Rounding the low back to reach further.",
            "Bouncing instead of holding still.",
            "Pushing the heel forward instead of down.",
            "Locking the front knee hard.",
        ],
        precautions=[
            INSERTIONAL,
            "Stop if you feel tingling or pain running down the leg.",
            ACHILLES_RED_FLAG,
        ],
        dosage={"reps": 2, "hold_s": 30, "sides": "each", "side_label": "leg"},
        tags=["achilles", "hamstring", "running", "stretching"],
        evidence="The hamstrings do not cross the ankle, and no trial shows that stretching "
        "them treats Achilles pain; hamstring flexibility is not a known risk factor. With "
        "the toes pulled up the stretch also reaches the calf, so some runners with pain in "
        "the middle of the tendon find it eases stiffness. Treat it as an optional comfort "
        "drill beside calf strengthening, not as the treatment. Static stretching before a "
        "run has not been shown to prevent injury; strength training has.",
        sources=[
            CPG,
            "Wilke J et al. Arch Phys Med Rehabil 2016;97(3):454-461.",
            "Lauersen JB et al. Br J Sports Med 2014;48(11):871-877.",
        ],
    ),
    _R(
        slug="straight-knee-calf-stretch",
        name="Straight-knee calf stretch",
        aliases=["Wall calf stretch", "Gastrocnemius stretch"],
        summary="Stretches the large upper calf muscle against a wall, with the back knee "
        "straight.",
        regions=["calf-achilles"],
        purpose="stretch",
        equipment=["Wall"],
        steps=[
            "Face a wall and rest both hands on it at shoulder height.",
            "Step one foot back and point both feet straight ahead.",
            "Keep the back knee straight and the back heel flat on the floor.",
            "Bend the front knee and lean your hips toward the wall.",
            "Stop when you feel a stretch in the upper part of the back calf, and hold.",
        ],
        cues=["A strong, steady pull high in the calf, not pain.", "Keep the back heel down."],
        mistakes=[
            "Letting the back heel lift.",
            "Turning the back foot outward.",
            "Arching the low back instead of moving the hips forward.",
        ],
        precautions=[INSERTIONAL, ACHILLES_RED_FLAG],
        dosage={
            "reps": 2,
            "hold_s": 30,
            "sides": "each",
            "side_label": "leg",
            "days_per_week": 7,
        },
        tags=["calf", "stretching", "running"],
        evidence="Stretching guidance for adults: hold each stretch 10–30 seconds (30–60 for "
        "older adults), repeat to about 60 seconds per muscle, at least 2–3 days a week; "
        "daily stretching gives the most benefit.",
        sources=[ACSM],
    ),
    _R(
        slug="bent-knee-calf-stretch",
        name="Bent-knee calf stretch",
        aliases=["Soleus stretch", "Wall soleus stretch"],
        summary="Moves the stretch to the deeper, lower calf muscle by bending the back knee.",
        regions=["calf-achilles"],
        purpose="stretch",
        equipment=["Wall"],
        steps=[
            "Face a wall with your hands on it, one foot a little behind the other.",
            "Keep the back heel flat on the floor.",
            "Slowly bend the back knee, as if sitting down a little.",
            "Stop when you feel a stretch low in the calf, near the ankle, and hold.",
        ],
        cues=["The pull sits lower than in the straight-knee stretch."],
        mistakes=["Letting the back heel lift as the knee bends.", "Bouncing."],
        precautions=[INSERTIONAL, ACHILLES_RED_FLAG],
        dosage={
            "reps": 2,
            "hold_s": 30,
            "sides": "each",
            "side_label": "leg",
            "days_per_week": 7,
        },
        tags=["calf", "stretching", "running"],
        evidence="Bending the knee slackens the upper calf muscle, which crosses the knee, "
        "so the stretch moves to the deeper muscle that starts below it.",
        sources=[ACSM],
    ),
    _R(
        slug="eccentric-heel-drop-straight-knee",
        name="Eccentric heel drop, straight knee",
        aliases=["Alfredson heel drop", "Eccentric calf lowering"],
        summary="Slowly lowering the heel below a step on the sore leg: the classic loading "
        "exercise for pain in the middle of the Achilles tendon.",
        regions=["calf-achilles"],
        purpose="strengthen",
        equipment=["Step"],
        steps=[
            "Stand on the edge of a step on the balls of both feet, holding a rail or wall.",
            "Rise onto your toes using both legs.",
            "Shift your weight onto the sore leg and keep that knee straight.",
            "Lower the heel slowly, over about 3 seconds, until it is below the step.",
            "Put the other foot back down and use both legs to rise again.",
        ],
        cues=[
            "Only the lowering is done by the sore leg; rise with the good one's help.",
            "Move slowly and smoothly, all the way down.",
        ],
        mistakes=[
            "Dropping quickly instead of lowering slowly.",
            "Bending the knee in this version.",
            "Rising on the sore leg alone.",
        ],
        precautions=[
            "Made for pain in the middle of the tendon. If the pain is where the tendon meets "
            "the heel bone, keep the heel level with the step (or do it on the floor) until a "
            "clinician says otherwise.",
            PAIN_CAUTION,
            ACHILLES_RED_FLAG,
        ],
        dosage={
            "sets": 3,
            "reps": 15,
            "times_per_day": 2,
            "days_per_week": 7,
            "weeks": 12,
            "progression": "Once it is pain-free, add weight in a backpack, about 5 kg at a time.",
        },
        tags=["achilles", "calf", "loading", "running"],
        evidence="In the original protocol people did 3 sets of 15 with the knee straight and "
        "3 with it bent, twice a day, every day, for 12 weeks, accepting some pain and adding "
        "load once it was pain-free. " + CALF_LOADING_EVIDENCE,
        sources=[ALFREDSON, BEYER, SILBERNAGEL],
    ),
    _R(
        slug="eccentric-heel-drop-bent-knee",
        name="Eccentric heel drop, bent knee",
        aliases=["Alfredson heel drop, bent knee", "Soleus heel drop"],
        summary="The bent-knee version of the slow heel drop, which works the deeper calf muscle.",
        regions=["calf-achilles"],
        purpose="strengthen",
        equipment=["Step"],
        steps=[
            "Stand on the edge of a step on the balls of both feet, holding a rail or wall.",
            "Rise onto your toes using both legs.",
            "Shift your weight onto the sore leg and bend that knee slightly.",
            "Keeping the knee bent, lower the heel slowly until it is below the step.",
            "Put the other foot back down and use both legs to rise again.",
        ],
        cues=["Keep the same small knee bend all the way down."],
        mistakes=["Straightening the knee as you lower.", "Dropping quickly."],
        precautions=[
            "Made for pain in the middle of the tendon. If the pain is where the tendon meets "
            "the heel bone, keep the heel level with the step until a clinician says otherwise.",
            PAIN_CAUTION,
            ACHILLES_RED_FLAG,
        ],
        dosage={
            "sets": 3,
            "reps": 15,
            "times_per_day": 2,
            "days_per_week": 7,
            "weeks": 12,
            "progression": "Once it is pain-free, add weight in a backpack, about 5 kg at a time.",
        },
        tags=["achilles", "calf", "loading", "running"],
        evidence=CALF_LOADING_EVIDENCE,
        sources=[ALFREDSON, SILBERNAGEL],
    ),
    _R(
        slug="heel-raise-floor",
        name="Heel raise on the floor",
        aliases=["Calf raise", "Double-leg heel raise"],
        summary="Rising onto the toes on flat ground: a first step in calf strengthening, and "
        "the safe version when the pain is at the back of the heel.",
        regions=["calf-achilles", "foot-ankle"],
        purpose="strengthen",
        steps=[
            "Stand tall with your feet hip-width apart, fingertips on a wall or chair for balance.",
            "Rise slowly onto the balls of both feet, as high as you comfortably can.",
            "Pause at the top.",
            "Lower slowly back to the floor.",
        ],
        cues=["Push up through the big toe side of the foot.", "Take about 3 seconds down."],
        mistakes=["Rolling out onto the little toes.", "Bouncing off the floor."],
        precautions=[PAIN_CAUTION, ACHILLES_RED_FLAG],
        dosage={
            "sets": 3,
            "reps": 15,
            "rest_s": 60,
            "days_per_week": 3,
            "progression": "When 3 × 15 is easy, do them on one leg, then with the knee "
            "bent, then off a step.",
        },
        tags=["achilles", "calf", "loading"],
        evidence="When pain is where the tendon meets the heel, raises on a flat floor load "
        "the tendon without pressing it against the bone. " + CALF_LOADING_EVIDENCE,
        sources=[CPG, SILBERNAGEL],
    ),
    _R(
        slug="heel-raise-off-step",
        name="Heel raise off a step",
        aliases=["Single-leg calf raise on a step"],
        summary="A slow calf raise through the full range on the edge of a step, one leg at a "
        "time.",
        regions=["calf-achilles"],
        purpose="strengthen",
        equipment=["Step"],
        steps=[
            "Stand on the edge of a step on the ball of one foot, holding a rail.",
            "Let the heel sink a little below the step.",
            "Rise slowly as high as you can, taking 3 seconds.",
            "Lower slowly, taking 3 seconds, back below the step.",
        ],
        cues=["Keep the tempo even: 3 seconds up, 3 seconds down."],
        mistakes=["Rushing the lowering.", "Leaning on the rail to lift yourself."],
        precautions=[
            "Pain where the tendon meets the heel: keep the heel level with the step for now.",
            PAIN_CAUTION,
            ACHILLES_RED_FLAG,
        ],
        dosage={
            "sets": 3,
            "reps": 12,
            "tempo": "3-0-3-0",
            "rest_s": 90,
            "sides": "each",
            "side_label": "leg",
            "days_per_week": 3,
        },
        tags=["achilles", "calf", "loading", "running"],
        evidence=CALF_LOADING_EVIDENCE,
        sources=[BEYER, SILBERNAGEL],
    ),
    _R(
        slug="seated-calf-raise",
        name="Seated calf raise",
        aliases=["Bent-knee calf raise", "Heavy slow resistance calf raise"],
        summary="A heavy, slow calf raise sitting down with a weight on the knees, from the "
        "heavy slow resistance programme.",
        regions=["calf-achilles"],
        purpose="strengthen",
        equipment=["Chair", "Weights"],
        steps=[
            "Sit on a chair with your feet flat, knees bent at a right angle.",
            "Rest a weight across your knees, or use a seated calf machine.",
            "Rise onto the balls of your feet over 3 seconds.",
            "Lower over 3 seconds until your heels are back down.",
        ],
        cues=[
            "Pick a weight you can lift the given number of times, and no more.",
            "Rest 2 to 3 minutes between sets.",
        ],
        mistakes=["Using a weight so light the last repetitions are easy.", "Bouncing."],
        precautions=[PAIN_CAUTION, ACHILLES_RED_FLAG],
        dosage={
            "sets": 3,
            "rm_target": 15,
            "tempo": "3-0-3-0",
            "rest_s": 120,
            "rest_max_s": 180,
            "days_per_week": 3,
            "weeks": 12,
            "load": {"kind": "kg", "value": 10},
            "progression": "Weeks 2–3: 3 × 12RM; weeks 4–5: 4 × 10RM; weeks 6–8: 4 × 8RM; "
            "weeks 9–12: 4 × 6RM.",
        },
        tags=["achilles", "calf", "loading"],
        evidence="Heavy slow resistance (three sessions a week, 3 seconds up and 3 down, "
        "heavier every few weeks) gave results similar to daily heel drops, and people were "
        "more satisfied with it.",
        sources=[BEYER],
    ),
    _R(
        slug="isometric-calf-hold",
        name="Isometric calf hold",
        aliases=["Static calf raise hold"],
        summary="Holding still at the top of a heel raise: a way to load a painful tendon "
        "with little movement.",
        regions=["calf-achilles"],
        purpose="strengthen",
        steps=[
            "Stand with fingertips on a wall or chair for balance.",
            "Rise onto the balls of both feet, then shift most of your weight to the sore leg.",
            "Hold still at about half height.",
            "Lower slowly with both feet at the end of the hold.",
        ],
        cues=["Hard but steady effort; keep breathing."],
        mistakes=["Holding your breath.", "Letting the heel sink during the hold."],
        precautions=[PAIN_CAUTION, ACHILLES_RED_FLAG],
        dosage={"sets": 5, "hold_s": 30, "hold_max_s": 45, "rest_s": 120},
        tags=["achilles", "calf", "loading"],
        evidence="Isometric holds are often used to start loading a painful tendon; the "
        "evidence for pain relief is mixed, so they are a starting point on the way to "
        "heavier, slower loading.",
        sources=[CPG],
    ),
    _R(
        slug="seated-plantar-fascia-stretch",
        name="Seated plantar fascia stretch",
        aliases=["Toe pull-back stretch", "Arch stretch"],
        summary="Stretches the band under the arch before the first steps of the day.",
        regions=["foot-ankle"],
        purpose="stretch",
        steps=[
            "Sit down and rest the sore foot across your other knee.",
            "Hold your toes and gently pull them back toward your shin.",
            "With your other hand, feel the band under your arch: it should feel firm.",
            "Hold, then slowly let the toes go.",
        ],
        cues=["A firm stretch along the arch, not sharp pain at the heel."],
        mistakes=["Pulling so hard it hurts.", "Skipping it before the first steps."],
        precautions=[
            "A red, hot, swollen heel, fever, or numbness or tingling in the foot: see a "
            "clinician instead of stretching.",
        ],
        dosage={"reps": 3, "hold_s": 10, "hold_max_s": 30, "timing": ["morning"]},
        tags=["plantar-fascia", "foot", "stretching"],
        evidence="Stretching the sole and calf is a common part of care for plantar heel "
        "pain, alongside easing the load for a while and strengthening the calf.",
        sources=[ACSM],
    ),
    _R(
        slug="glute-bridge",
        name="Glute bridge",
        aliases=["Hip bridge", "Bridging"],
        summary="Lifting the hips from the floor to strengthen the buttocks and the back of "
        "the thighs.",
        regions=["hip-glutes", "low-back"],
        purpose="strengthen",
        equipment=["Mat"],
        steps=[
            "Lie on your back with knees bent and feet flat, hip-width apart.",
            "Tighten your buttocks and lift your hips until your body is in a line from "
            "shoulders to knees.",
            "Hold at the top.",
            "Lower slowly, one part of the spine at a time.",
        ],
        cues=["Squeeze the buttocks; the back muscles should stay fairly quiet."],
        mistakes=["Arching the low back to lift higher.", "Letting the knees fall outward."],
        precautions=["Stop if pain spreads down a leg."],
        dosage={"sets": 3, "reps": 10, "hold_s": 3, "rest_s": 60, "days_per_week": 3},
        tags=["hip", "low-back", "home-exercise"],
        evidence="A common, easy-to-grade exercise for hip strength in knee, hip and back "
        "rehabilitation.",
    ),
    _R(
        slug="knee-rocking",
        name="Knee rocking",
        aliases=["Lying knee rolls", "Lower trunk rotation"],
        summary="Gently swaying bent knees from side to side while lying down, to ease a "
        "stiff, sore low back.",
        regions=["low-back"],
        purpose="mobility",
        equipment=["Mat"],
        steps=[
            "Lie on your back on the bed or floor, knees bent and feet flat.",
            "Rest your arms by your sides and let your shoulders relax.",
            "Keeping your knees together, let them sway slowly to one side.",
            "Go only as far as is comfortable, then come back through the middle to the "
            "other side.",
        ],
        cues=["Slow and easy; let your breathing set the pace."],
        mistakes=["Pushing into pain at the end of the movement.", "Lifting the shoulders."],
        precautions=[
            "Make the movement smaller if it hurts, and stop if pain spreads down your leg.",
            "New numbness around the saddle area, bladder or bowel changes, or weakness in both "
            "legs: go to the emergency department now.",
        ],
        dosage={"reps": 10, "sides": "alternating", "side_label": "side", "times_per_day": 2},
        tags=["low-back", "home-exercise"],
        evidence="Back pain guidelines encourage staying active with gentle movement rather "
        "than resting in bed.",
    ),
    _R(
        slug="cat-camel",
        name="Cat–camel",
        aliases=["Cat-cow", "Spinal flexion and extension on all fours"],
        summary="Slowly rounding and hollowing the back on hands and knees, to move the "
        "whole spine gently.",
        regions=["low-back", "upper-back-neck"],
        purpose="mobility",
        equipment=["Mat"],
        steps=[
            "Kneel on all fours, hands under shoulders and knees under hips.",
            "Slowly round your back up toward the ceiling and let your head drop.",
            "Then slowly let your back sag and lift your head a little.",
            "Move between the two, staying in a comfortable range.",
        ],
        cues=["Move one segment of the spine at a time."],
        mistakes=["Rushing.", "Forcing the end of the range."],
        precautions=["Stop if pain spreads down an arm or a leg."],
        dosage={"reps": 10, "times_per_day": 2},
        tags=["low-back", "mobility", "home-exercise"],
        evidence="A gentle range-of-motion exercise; comfort, not depth, is the aim.",
    ),
    _R(
        slug="bird-dog",
        name="Bird dog",
        aliases=["Quadruped opposite arm and leg raise"],
        summary="Reaching one arm and the opposite leg out from hands and knees while keeping "
        "the back still.",
        regions=["low-back", "hip-glutes"],
        purpose="strengthen",
        equipment=["Mat"],
        steps=[
            "Kneel on all fours, hands under shoulders and knees under hips.",
            "Keep your back flat, as if balancing a cup on it.",
            "Reach one arm forward and the opposite leg back until both are level with your body.",
            "Hold, then return and switch sides.",
        ],
        cues=["The trunk stays still while the limbs move."],
        mistakes=["Lifting the leg so high the back arches.", "Tipping the hips."],
        precautions=["Leave the arm on the floor if balancing is too hard at first."],
        dosage={
            "sets": 2,
            "reps": 8,
            "hold_s": 5,
            "sides": "alternating",
            "side_label": "side",
            "rest_s": 60,
        },
        tags=["low-back", "core", "home-exercise"],
        evidence="Used to train trunk control with low load on the spine.",
    ),
    _R(
        slug="quadriceps-set",
        name="Quadriceps set",
        aliases=["Static quads", "Knee press"],
        summary="Tightening the thigh muscle to press the back of the knee down: an early "
        "knee exercise.",
        regions=["knee", "thigh-hamstring"],
        purpose="strengthen",
        equipment=["Towel"],
        steps=[
            "Sit or lie with the leg straight, a rolled towel under the knee.",
            "Tighten the muscle on the front of the thigh to press the knee down into the towel.",
            "Hold, feeling the kneecap draw up.",
            "Relax fully before the next one.",
        ],
        cues=["You should see the thigh muscle firm up."],
        mistakes=["Holding your breath.", "Lifting the heel by bending the hip instead."],
        precautions=["A hot, swollen knee or one that gives way: see a clinician."],
        dosage={"reps": 10, "hold_s": 5, "times_per_day": 3},
        tags=["knee", "home-exercise"],
        evidence="An early exercise to keep the thigh muscle working when the knee is sore "
        "or after surgery, before loaded exercise is possible.",
    ),
    _R(
        slug="straight-leg-raise",
        name="Straight-leg raise",
        aliases=["SLR"],
        summary="Lifting the straight leg while lying down, to strengthen the thigh without "
        "bending the knee.",
        regions=["knee", "hip-glutes"],
        purpose="strengthen",
        equipment=["Mat"],
        steps=[
            "Lie on your back with one knee bent and the other leg straight.",
            "Tighten the thigh of the straight leg.",
            "Lift it to the height of the bent knee, keeping it straight.",
            "Lower slowly.",
        ],
        cues=["Keep the thigh tight throughout; the knee stays straight."],
        mistakes=["Letting the knee bend as you lift.", "Arching the low back."],
        precautions=["Stop if the knee hurts sharply or the back aches."],
        dosage={
            "sets": 3,
            "reps": 10,
            "sides": "each",
            "side_label": "leg",
            "rest_s": 60,
            "days_per_week": 5,
        },
        tags=["knee", "home-exercise"],
        evidence="A low-load thigh exercise often used early in knee rehabilitation.",
    ),
    _R(
        slug="sit-to-stand",
        name="Sit to stand",
        aliases=["Chair stand", "Chair squat"],
        summary="Standing up from a chair and sitting down again with control: strength for "
        "an everyday movement.",
        regions=["knee", "hip-glutes"],
        purpose="strengthen",
        equipment=["Chair"],
        steps=[
            "Sit near the front of a firm chair, feet flat and hip-width apart.",
            "Lean forward slightly, chest over your knees.",
            "Stand up without using your hands if you can.",
            "Sit back down slowly, reaching your hips back.",
        ],
        cues=["Knees travel in line with the toes."],
        mistakes=["Dropping into the chair.", "Letting the knees fall inward."],
        precautions=["Use your hands, or a higher chair, if you need to at first."],
        dosage={"sets": 3, "reps": 10, "rest_s": 60, "days_per_week": 5},
        tags=["knee", "hip", "home-exercise"],
        evidence="Strengthens the thighs and hips through a movement people use every day.",
    ),
    _R(
        slug="wall-sit",
        name="Wall sit",
        aliases=["Wall squat hold", "Isometric squat"],
        summary="Holding a part-squat with the back against a wall, to load the thighs "
        "without movement.",
        regions=["knee", "thigh-hamstring"],
        purpose="strengthen",
        equipment=["Wall"],
        steps=[
            "Stand with your back against a wall, feet about a foot in front of you.",
            "Slide down until your knees are bent to a comfortable depth.",
            "Hold still with your weight even on both feet.",
            "Slide back up to stand.",
        ],
        cues=["Shallower is fine: choose a depth you can hold with little pain."],
        mistakes=["Going so deep the knees hurt.", "Letting the knees drift inward."],
        precautions=[PAIN_CAUTION],
        dosage={"sets": 5, "hold_s": 30, "rest_s": 60},
        tags=["knee", "loading"],
        evidence="Isometric holds can load a sore knee with little movement while other "
        "exercises are too painful.",
    ),
    _R(
        slug="step-up",
        name="Step-up",
        aliases=["Forward step-up"],
        summary="Stepping up onto a low step with control, one leg leading.",
        regions=["knee", "hip-glutes"],
        purpose="strengthen",
        equipment=["Step"],
        steps=[
            "Stand facing a low step, holding a rail if you need to.",
            "Put one foot fully on the step.",
            "Push through that heel to step up, bringing the other foot up beside it.",
            "Step down slowly with the other foot first.",
        ],
        cues=["The leading knee stays over the middle of the foot."],
        mistakes=["Pushing off the back foot.", "Letting the knee fall inward."],
        precautions=["Start with a low step; hold a rail if your balance is unsure."],
        dosage={
            "sets": 3,
            "reps": 10,
            "sides": "each",
            "side_label": "leg",
            "rest_s": 60,
            "days_per_week": 3,
        },
        tags=["knee", "hip", "loading"],
        evidence="A functional loading exercise that can be made harder with a higher step.",
    ),
    _R(
        slug="single-leg-balance",
        name="Single-leg balance",
        aliases=["One-leg stand"],
        summary="Standing on one leg to train balance and ankle control.",
        regions=["foot-ankle"],
        purpose="balance",
        steps=[
            "Stand next to a counter or wall you can touch if needed.",
            "Lift one foot off the floor.",
            "Hold your balance, keeping the standing knee soft.",
            "Make it harder by closing your eyes or standing on a cushion.",
        ],
        cues=["Let the foot and ankle make small corrections; that is the training."],
        mistakes=["Locking the standing knee.", "Holding on the whole time once you can balance."],
        precautions=["Keep something to hold within reach. Stop if you feel dizzy."],
        dosage={
            "sets": 3,
            "hold_s": 30,
            "sides": "each",
            "side_label": "leg",
            "rest_s": 30,
            "days_per_week": 7,
        },
        tags=["ankle", "balance"],
        evidence="Balance training is part of rehabilitation after ankle sprains and helps "
        "reduce repeat sprains.",
    ),
]


def load_exercises() -> library_io.Report:
    """Add the starter exercises the library lacks; edits a clinic made stay as they are."""
    return library_io.import_records(EXERCISES, only_missing=True)


# The demo clinic's programs (called by the demo loader with its accounts).

DEMO_PROGRAM = "Achilles: calf loading, first weeks"
DEMO_ITEMS = (
    ("isometric-calf-hold", None),
    ("heel-raise-floor", None),
    ("seated-calf-raise", None),
)
# The episode opened 6 weeks and 3 days ago, so its week-6 questionnaires are answered.
DEMO_OPENED_DAYS_AGO = 45
# About twice a week since then, pain easing as the calf gets stronger:
# (days ago, pain during, pain now), oldest first.
DEMO_SESSIONS = (
    (44, 4, 3),
    (41, 4, 3),
    (37, 4, 2),
    (34, 4, 3),
    (30, 3, 2),
    (27, 3, 2),
    (23, 3, 2),
    (20, 3, 1),
    (16, 3, 2),
    (13, 2, 1),
    (9, 2, 1),
    (6, 2, 1),
    (2, 3, 1),
)


@transaction.atomic
def load_demo_programs(
    *, clinician: User, other: User, patient: User, now: dt.datetime
) -> list[str]:
    """A template for each clinician, and the patient's program from ``clinician``: assigned
    in an episode opened six weeks and a few days before ``now``, with the sessions logged
    since and the NPRS and PSFS answered at baseline, week 2 and week 6."""
    made = []
    if not Program.objects.filter(owner=clinician, is_template=True, name=DEMO_PROGRAM).exists():
        template = _program(
            clinician,
            DEMO_PROGRAM,
            "Build calf strength so running stops hurting the tendon.",
            "024",
            DEMO_ITEMS,
            now,
        )
        template.is_template = True
        # Pain and the patient's own activities; VISA-A once the clinic loads its text.
        template.measures = ["nprs", "psfs", "visa-a"]
        template.save(update_fields=["is_template", "measures"])
        made.append(f"template {DEMO_PROGRAM}")
    back = "Low back: moving again"
    if not Program.objects.filter(owner=other, is_template=True, name=back).exists():
        template = _program(
            other,
            back,
            "Keep moving gently while a sore back settles.",
            "0123456",
            (("knee-rocking", None), ("cat-camel", None)),
            now,
        )
        template.is_template = True
        template.save(update_fields=["is_template"])
        made.append(f"template {back}")
    if not Assignment.objects.filter(patient=patient, clinician=clinician).exists():
        source = Program.objects.get(owner=clinician, is_template=True, name=DEMO_PROGRAM)
        start = now - dt.timedelta(days=DEMO_OPENED_DAYS_AGO)
        episode = care.open_or_join(
            patient=patient,
            clinician=clinician,
            now=start,
            source=Episode.Source.ADMIN,
            reason="Achilles pain when running",
            region="calf-achilles",
        )
        assignment = services.assign(
            source,
            by=clinician,
            episode=episode,
            start_date=start.date(),
            weeks=12,
            time_zone="UTC",
            note="Three times a week. Pain up to 5/10 is fine if it has "
            "settled by the next morning.",
            now=start,
        )
        for days_ago, during, after in DEMO_SESSIONS:
            when = now - dt.timedelta(days=days_ago)
            services.log_session(
                assignment,
                by=patient,
                done=[1, 2, 3],
                pain_now=after,
                pain_during=during,
                effort=6,
                note="",
                token=uuid.uuid4(),
                now=when,
            )
        answered = demo_outcomes.answer_demo_measures(episode, patient=patient, now=now)
        made.append(f"program {DEMO_PROGRAM} for {patient.email}")
        made += [f"questionnaire {name} for {patient.email}" for name in answered]
    return made


def _program(
    owner: User,
    name: str,
    goal: str,
    weekdays: str,
    items: tuple[tuple[str, Any], ...],
    now: dt.datetime,
) -> Program:
    program = services.create_program(
        owner=owner,
        name=name,
        goal=goal,
        weekdays=weekdays,
        sessions_per_day=1,
        is_template=False,
        now=now,
    )
    for slug, dosage in items:
        services.add_item(
            program, by=owner, exercise=Exercise.objects.get(slug=slug), dosage=dosage, now=now
        )
    return program
