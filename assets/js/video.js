/* Click-to-load YouTube facade.
   The page shows a local poster and a link to the video on YouTube; nothing is
   requested from YouTube until the reader clicks. On click the facade is
   replaced by the privacy-enhanced embed, which then starts playing.
   Markup (made by the Markdown stage):
   <figure class="video" data-video-id="ID">
     <a class="video-facade" href="https://www.youtube.com/watch?v=ID">
       <img src="/video/ID.jpg" alt="" width="640" height="360">
       (a poster of assets/video/ comes in a <picture> with WebP and JPEG
       srcsets made at build time)
       <span class="video-play">Afspil videoen: TITLE</span>
     </a>
     <figcaption>TITLE</figcaption>
   </figure> */
(function () {
  "use strict";

  var ID_RE = /^[A-Za-z0-9_-]{6,20}$/;

  function titleOf(figure, link) {
    var cap = figure.querySelector("figcaption");
    if (cap && cap.textContent.trim()) return cap.textContent.trim();
    var play = link.querySelector(".video-play");
    if (play) return play.textContent.replace(/^\s*Afspil videoen:\s*/, "").trim();
    return "Video";
  }

  function play(figure, link) {
    var id = figure.getAttribute("data-video-id");
    if (!id || !ID_RE.test(id)) return false;
    var iframe = document.createElement("iframe");
    iframe.src = "https://www.youtube-nocookie.com/embed/" + encodeURIComponent(id) + "?autoplay=1";
    iframe.title = titleOf(figure, link);
    iframe.width = "640";
    iframe.height = "360";
    iframe.setAttribute("allow", "autoplay; encrypted-media; picture-in-picture");
    iframe.setAttribute("allowfullscreen", "");
    iframe.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    link.replaceWith(iframe);
    figure.classList.add("is-playing");
    iframe.focus();
    return true;
  }

  function onClick(event) {
    if (event.defaultPrevented || event.button !== 0 ||
        event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return; /* let "open in new tab" and friends go to YouTube */
    }
    var link = event.target.closest && event.target.closest("a.video-facade");
    if (!link) return;
    var figure = link.closest("figure.video[data-video-id]");
    if (!figure) return;
    if (play(figure, link)) event.preventDefault();
  }

  document.addEventListener("click", onClick);
})();
