// The exercise player: walks a program's steps with countdowns, sound, optional
// spoken cues and "switch sides" prompts, keeps the screen awake, then opens
// the session log. No build step; the server renders the plan as JSON
// (#player-plan) and the page works without this script (steps and log form).
//
// The clock runs at plan.clock_percent of real time (100 in production; tests
// shorten it through the MEND_PLAYER_CLOCK_PERCENT setting). Countdowns show
// the program's own seconds either way.

const TICK_MS = 100;
const BETWEEN_EXERCISES_S = 3;
const COUNTDOWN_BEEPS_FROM_S = 3;

const root = document.querySelector("[data-player]");
const planNode = document.getElementById("player-plan");

if (root && planNode) {
  start(root, JSON.parse(planNode.textContent));
}

function start(root, plan) {
  const $ = (selector) => root.querySelector(selector);
  const ui = {
    where: $("[data-where]"),
    exercise: $("[data-exercise]"),
    step: $("[data-step]"),
    clock: $("[data-clock]"),
    bar: $("[data-bar]"),
    dosage: $("[data-dosage]"),
    announce: $("[data-announce]"),
    instructionsBox: $("[data-instructions-box]"),
    instructions: $("[data-instructions]"),
    start: $('[data-action="start"]'),
    back: $('[data-action="back"]'),
    pause: $('[data-action="pause"]'),
    next: $('[data-action="next"]'),
    done: $('[data-action="done"]'),
    sound: $('[data-option="sound"]'),
    voice: $('[data-option="voice"]'),
  };
  const logSection = document.querySelector("[data-log]");
  const msPerSecond = (1000 * Math.min(100, Math.max(1, plan.clock_percent || 100))) / 100;
  const steps = flatten(plan.items);
  const completed = new Set(); // item positions with at least one finished work step
  const state = { index: -1, running: false, paused: false, deadline: 0, left: 0, total: 0, lastBeep: null };
  let timer = null;
  let audio = null;
  let wakeLock = null;

  if (!("speechSynthesis" in window)) ui.voice.closest("label").hidden = true;
  if (logSection) logSection.hidden = true;
  ui.step.textContent = "Press Start when you are ready.";
  ui.start.hidden = false; // shown only once the player can run
  root.dataset.ready = "true";

  ui.start.addEventListener("click", begin);
  ui.back.addEventListener("click", () => go(Math.max(0, state.index - 1)));
  ui.next.addEventListener("click", () => go(state.index + 1));
  ui.done.addEventListener("click", finishStep);
  ui.pause.addEventListener("click", togglePause);
  document.addEventListener("keydown", onKey);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && state.running && !state.paused) keepAwake();
  });

  function flatten(items) {
    const out = [];
    items.forEach((item, itemIndex) => {
      for (const step of item.timeline) {
        if (step.kind === "done") {
          const next = items[itemIndex + 1];
          if (next) {
            out.push({ item, itemIndex, kind: "between", label: `Next: ${next.name}`,
              seconds: BETWEEN_EXERCISES_S, timed: true });
          }
          continue;
        }
        out.push({ item, itemIndex, ...step });
      }
    });
    return out;
  }

  function begin() {
    audio = audio || makeAudio();
    if (audio && audio.state === "suspended") audio.resume();
    state.running = true;
    ui.start.hidden = true;
    ui.back.hidden = false;
    ui.next.hidden = false;
    keepAwake();
    go(0);
  }

  function go(index) {
    clearInterval(timer);
    if (index >= steps.length) return finishSession();
    state.index = index;
    state.paused = false;
    const step = steps[index];
    show(step);
    if (step.timed) {
      state.total = step.seconds * msPerSecond;
      state.left = state.total;
      state.deadline = performance.now() + state.left;
      state.lastBeep = null;
      timer = setInterval(tick, TICK_MS);
      tick();
    } else {
      ui.clock.textContent = "";
      ui.bar.style.width = "0";
    }
  }

  function show(step) {
    const item = step.item;
    const count = plan.items.length;
    const where = [`Exercise ${step.itemIndex + 1} of ${count}`];
    if (step.set && step.sets > 1) where.push(`set ${step.set} of ${step.sets}`);
    ui.where.textContent = where.join(" · ");
    ui.exercise.textContent = item.name;
    ui.step.textContent = stepText(step);
    ui.dosage.textContent = item.dosage;
    root.dataset.kind = step.kind;
    ui.instructions.replaceChildren(...item.steps.map((text) => {
      const li = document.createElement("li");
      li.textContent = text;
      return li;
    }));
    ui.instructionsBox.hidden = item.steps.length === 0;
    ui.pause.hidden = !step.timed;
    ui.pause.textContent = "Pause";
    ui.pause.setAttribute("aria-pressed", "false");
    ui.done.hidden = step.timed;
    ui.done.textContent = step.kind === "rest" ? "Start the next set" : "Done";
    ui.back.disabled = state.index === 0;
    say(`${item.name}. ${stepText(step)}`);
    if (step.kind === "switch_sides") beep(520, 0.25);
  }

  function stepText(step) {
    if (step.kind === "reps" && step.seconds) {
      return `${step.label} (about ${step.seconds} s at the tempo)`;
    }
    return step.label;
  }

  function tick() {
    state.left = Math.max(0, state.deadline - performance.now());
    const shown = Math.ceil(state.left / msPerSecond);
    ui.clock.textContent = formatSeconds(shown);
    ui.bar.style.width = `${100 - (100 * state.left) / state.total}%`;
    if (shown > 0 && shown <= COUNTDOWN_BEEPS_FROM_S && shown !== state.lastBeep) {
      state.lastBeep = shown;
      beep(660, 0.08);
    }
    if (state.left <= 0) {
      beep(880, 0.3);
      finishStep();
    }
  }

  function finishStep() {
    const step = steps[state.index];
    if (step && (step.kind === "hold" || step.kind === "reps")) completed.add(step.item.position);
    go(state.index + 1);
  }

  function togglePause() {
    const step = steps[state.index];
    if (!step || !step.timed) return;
    if (state.paused) {
      state.paused = false;
      state.deadline = performance.now() + state.left;
      timer = setInterval(tick, TICK_MS);
      ui.pause.textContent = "Pause";
      ui.pause.setAttribute("aria-pressed", "false");
      announce("Resumed");
      keepAwake();
    } else {
      clearInterval(timer);
      state.left = Math.max(0, state.deadline - performance.now());
      state.paused = true;
      ui.pause.textContent = "Resume";
      ui.pause.setAttribute("aria-pressed", "true");
      ui.clock.textContent = `${formatSeconds(Math.ceil(state.left / msPerSecond))} (paused)`;
      announce("Paused");
    }
  }

  function finishSession() {
    clearInterval(timer);
    state.running = false;
    beep(880, 0.15);
    setTimeout(() => beep(1175, 0.3), 200);
    ui.where.textContent = "Session complete";
    ui.exercise.textContent = "Well done";
    ui.step.textContent = "Now note how it felt.";
    ui.clock.textContent = "";
    ui.bar.style.width = "100%";
    for (const button of [ui.back, ui.pause, ui.next, ui.done]) button.hidden = true;
    root.dataset.kind = "finished";
    say("Session complete. Well done.");
    releaseWakeLock();
    if (!logSection) return;
    for (const box of logSection.querySelectorAll('input[name="done"]')) {
      box.checked = completed.size === 0 || completed.has(Number(box.value));
    }
    logSection.hidden = false;
    const heading = logSection.querySelector("h2");
    heading.scrollIntoView({ block: "start" });
    heading.focus();
  }

  function onKey(event) {
    if (!state.running || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, button, a, summary")) return;
    const actions = { " ": togglePause, ArrowRight: () => go(state.index + 1),
      ArrowLeft: () => go(Math.max(0, state.index - 1)), Enter: () => {
        if (!steps[state.index].timed) finishStep();
      } };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  }

  function formatSeconds(total) {
    if (total < 60) return String(total);
    return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
  }

  function announce(text) {
    ui.announce.textContent = text;
  }

  function say(text) {
    announce(text);
    if (!ui.voice.checked || !("speechSynthesis" in window)) return;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  }

  function makeAudio() {
    const Context = window.AudioContext || window.webkitAudioContext;
    return Context ? new Context() : null;
  }

  function beep(frequency, seconds) {
    if (!audio || !ui.sound.checked) return;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    const now = audio.currentTime;
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, now);
    gain.gain.exponentialRampToValueAtTime(0.3, now + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + seconds);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(now);
    oscillator.stop(now + seconds + 0.02);
  }

  async function keepAwake() {
    if (!("wakeLock" in navigator) || (wakeLock && !wakeLock.released)) return;
    try {
      wakeLock = await navigator.wakeLock.request("screen");
    } catch (error) {
      wakeLock = null; // refused (battery saver, hidden tab): the session still works
    }
  }

  function releaseWakeLock() {
    if (wakeLock) wakeLock.release().catch(() => {});
    wakeLock = null;
  }
}
