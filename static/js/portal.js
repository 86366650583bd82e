/* Cổng Chỉ số CCHC — the only hand-written script: shows htmx errors in the page's message area, so a
   failed request never looks like a silent success. Typed values stay in place (htmx does not swap errors). */
(function () {
  "use strict";
  function showError(detail) {
    var area = document.getElementById("flash");
    if (!area) { return; }
    var xhr = detail && detail.xhr;
    var text = document.documentElement.lang === "en"
      ? "The request did not go through. Your input is still on the page; please try again."
      : "Yêu cầu chưa thực hiện được. Dữ liệu bạn nhập vẫn còn trên trang; hãy thử lại.";
    if (xhr && xhr.responseText) {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");  // parsed inert, never run
      var box = doc.querySelector(".error-box p");
      if (box && box.textContent) { text = box.textContent; }
    } else if (detail && detail.error === undefined && !xhr) {
      text = document.documentElement.lang === "en"
        ? "No connection to the server. Your input is kept; try again when the network is back."
        : "Mất kết nối tới máy chủ. Dữ liệu bạn nhập vẫn được giữ; hãy thử lại khi có mạng.";
    }
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.setAttribute("role", "alert");
    p.textContent = text;
    area.innerHTML = "";
    area.appendChild(p);
  }
  document.addEventListener("htmx:responseError", function (e) { showError(e.detail); });
  document.addEventListener("htmx:sendError", function (e) { showError(null); });
})();
