// Click-to-load video: the player (and its network requests) arrive only
// when the reader presses play. Without JavaScript the link opens the video.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-embed]");
  if (!link) return;
  event.preventDefault();
  const frame = document.createElement("iframe");
  frame.src = link.dataset.embed;
  frame.title = link.dataset.title || "Video";
  frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
  frame.allowFullscreen = true;
  link.closest(".video").replaceChildren(frame);
  frame.focus();
});

// A hidden field marked data-browser-time-zone gets the browser's zone name (the
// patient's day starts there; the server checks the name). Without JavaScript it
// stays empty and the server says which zone it used.
function fillTimeZones(root) {
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    zone = "";
  }
  for (const input of root.querySelectorAll("[data-browser-time-zone]")) {
    input.value = zone;
  }
}
document.addEventListener("DOMContentLoaded", () => fillTimeZones(document));
document.addEventListener("htmx:afterSwap", (event) => fillTimeZones(event.target));

// htmx leaves 4xx answers unswapped; a target marked data-swap-statuses="400 429"
// swaps those in, since they carry the form's messages. (Here, not in hx-on: the
// Content-Security-Policy allows no inline handlers, and htmx's eval is off.)
document.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  const marked = target && target.closest && target.closest("[data-swap-statuses]");
  if (!marked) return;
  const statuses = marked.dataset.swapStatuses.split(/\s+/);
  if (statuses.includes(String(event.detail.xhr.status))) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
