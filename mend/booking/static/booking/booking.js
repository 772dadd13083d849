// Booking: the patient's time zone comes from the browser. A form that does
// not yet know it carries an empty hidden "tz" field marked data-browser-zone;
// fill it in, so the next step shows times in the patient's own zone (always
// labelled, and changeable on the page). Without JavaScript the clinic's zone
// is used and named instead.
(function () {
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    zone = "";
  }
  function fill(root) {
    if (!zone) return;
    root.querySelectorAll('input[name="tz"][data-browser-zone]').forEach((input) => {
      if (!input.value) input.value = zone;
    });
  }
  document.addEventListener("DOMContentLoaded", () => fill(document));
  // htmx swaps a new step in: fill its forms, and move focus to its heading.
  document.addEventListener("htmx:afterSwap", (event) => {
    const flow = document.getElementById("flow");
    if (!flow) return;
    fill(flow);
    const heading = flow.querySelector("h2[tabindex='-1']");
    if (heading) heading.focus();
  });
})();
