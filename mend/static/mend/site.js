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
