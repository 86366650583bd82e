/* Tài liệu kiểm chứng — upload progress. htmx fires htmx:xhr:progress on the form that sent the request;
   the form's own <progress class="upload-progress"> shows how much has been sent. Without JavaScript the
   form posts normally (the bar simply stays hidden). */
(function () {
  "use strict";
  function bar(form) {
    return form && form.querySelector ? form.querySelector("progress.upload-progress") : null;
  }
  document.addEventListener("htmx:beforeRequest", function (e) {
    var progress = bar(e.target);
    if (progress) {
      progress.value = 0;
      progress.max = 100;
      progress.hidden = false;
      progress.textContent = "0%";
    }
  });
  document.addEventListener("htmx:xhr:progress", function (e) {
    var progress = bar(e.target);
    if (!progress || !e.detail || !e.detail.lengthComputable || !e.detail.total) { return; }
    var percent = Math.round(e.detail.loaded * 100 / e.detail.total);
    progress.value = percent;
    progress.textContent = percent + "%";
    progress.setAttribute("aria-valuetext", percent + "%");
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var progress = bar(e.target);
    if (progress) { progress.hidden = true; }
  });
})();
