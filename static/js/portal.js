/* Cổng Chỉ số CCHC — the only hand-written script:
   1. shows htmx errors in the page's message area, so a failed request never looks like a silent success;
      typed values stay in place (htmx does not swap errors);
   2. keeps what was typed when the login session has run out: a save answered 401 (with HX-Redirect to the
      login page) first puts every edited form of the page into sessionStorage; back on the same page after
      logging in, the values are put back and the user is told to check them and save. The draft lives in
      this browser tab only and is removed as soon as it is restored. */
(function () {
  "use strict";
  var DRAFTS = "cchc-drafts";
  var MAX_AGE = 12 * 3600 * 1000;
  var en = function () { return document.documentElement.lang === "en"; };
  document.documentElement.classList.add("js");     // hints about keys that only the script provides

  function say(text, kind) {
    var area = document.getElementById("flash");
    if (!area) { return; }
    var p = document.createElement("p");
    p.className = "flash flash-" + (kind || "error");
    p.setAttribute("role", kind === "error" || !kind ? "alert" : "status");
    p.textContent = text;
    area.innerHTML = "";
    area.appendChild(p);
  }

  function showError(detail) {
    var xhr = detail && detail.xhr;
    if (xhr && xhr.status === 401) { return; }        // handled below: the page goes to the login form
    var text = en()
      ? "The request did not go through. Your input is still on the page; please try again."
      : "Yêu cầu chưa thực hiện được. Dữ liệu bạn nhập vẫn còn trên trang; hãy thử lại.";
    if (xhr && xhr.responseText) {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");  // parsed inert, never run
      var box = doc.querySelector(".error-box p");
      if (box && box.textContent) { text = box.textContent; }
    } else if (!xhr) {
      text = en()
        ? "No connection to the server. Your input is kept; try again when the network is back."
        : "Mất kết nối tới máy chủ. Dữ liệu bạn nhập vẫn được giữ; hãy thử lại khi có mạng.";
    }
    say(text, "error");
  }

  // ------------------------------------------------------------------ drafts kept across a new login

  function keyOf(form) { return form.getAttribute("action") || form.getAttribute("hx-post") || ""; }

  function fieldsOf(form) {
    var out = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      var type = (el.type || "").toLowerCase();
      if (!el.name || el.disabled || ["hidden", "password", "file", "submit", "button", "reset"].indexOf(type) >= 0) {
        return;
      }
      out.push({name: el.name, value: el.value, checked: el.checked, type: type});
    });
    return out;
  }

  function loadDrafts() {
    try { return JSON.parse(window.sessionStorage.getItem(DRAFTS) || "{}"); } catch (err) { return {}; }
  }

  function storeDrafts(drafts) {
    try { window.sessionStorage.setItem(DRAFTS, JSON.stringify(drafts)); } catch (err) { /* storage full or off */ }
  }

  function keepDrafts(requesting) {
    var forms = Array.prototype.filter.call(document.forms, function (f) {
      return f.dataset.edited === "1" || f === requesting;
    });
    var saved = forms.map(function (f) { return {key: keyOf(f), fields: fieldsOf(f)}; })
      .filter(function (d) { return d.key && d.fields.length; });
    if (!saved.length) { return; }
    var drafts = loadDrafts();
    drafts[window.location.pathname] = {at: Date.now(), forms: saved};
    storeDrafts(drafts);
  }

  function restoreDrafts() {
    var drafts = loadDrafts();
    var mine = drafts[window.location.pathname];
    if (!mine) { return; }
    delete drafts[window.location.pathname];
    storeDrafts(drafts);
    if (Date.now() - mine.at > MAX_AGE) { return; }
    var restored = 0;
    mine.forms.forEach(function (draft) {
      var form = Array.prototype.filter.call(document.forms, function (f) { return keyOf(f) === draft.key; })[0];
      if (!form) { return; }
      draft.fields.forEach(function (field) {
        Array.prototype.forEach.call(form.elements, function (el) {
          if (el.name !== field.name) { return; }
          if (field.type === "checkbox" || field.type === "radio") {
            if (el.value === field.value) { el.checked = field.checked; }
          } else if (el.type !== "file" && el.type !== "hidden") {
            el.value = field.value;
          }
        });
      });
      form.dataset.edited = "1";
      var note = document.createElement("p");
      note.className = "flash flash-warning draft-note";
      note.setAttribute("role", "status");
      note.textContent = en()
        ? "Restored what you had typed before your session ran out. Check it, then save."
        : "Đã khôi phục nội dung bạn nhập trước khi phiên làm việc hết hạn. Hãy kiểm tra rồi bấm Lưu.";
      form.insertBefore(note, form.firstChild);
      restored += 1;
    });
    if (restored) {
      say(en()
        ? "Your session had run out; what you had typed (" + restored + " item(s)) is back on the page, not yet saved."
        : "Phiên làm việc đã hết hạn; nội dung đang nhập dở (" + restored + " mục) đã được khôi phục, chưa được lưu.",
        "warning");
    }
  }

  document.addEventListener("input", function (e) {
    var form = e.target && e.target.form;
    if (form) { form.dataset.edited = "1"; }
  });
  document.addEventListener("change", function (e) {
    var form = e.target && e.target.form;
    if (form) { form.dataset.edited = "1"; }
  });
  // Before htmx follows HX-Redirect to the login page (it does so in its beforeOnLoad step), keep the drafts.
  document.addEventListener("htmx:beforeOnLoad", function (e) {
    var xhr = e.detail && e.detail.xhr;
    if (xhr && xhr.status === 401) {
      var elt = e.detail.elt;
      keepDrafts(elt && (elt.tagName === "FORM" ? elt : elt.closest && elt.closest("form")));
    }
  });
  // A saved form is no longer a draft.
  document.addEventListener("htmx:afterRequest", function (e) {
    var elt = e.detail && e.detail.elt;
    var form = elt && (elt.tagName === "FORM" ? elt : elt.closest && elt.closest("form"));
    if (form && e.detail.successful) { delete form.dataset.edited; }
  });
  // ------------------------------------------------------------- save and next (the appraisal page)
  // After an item's decision is saved (its article comes back marked "just-saved"), the focus moves to the
  // agree button of the next item without a decision, or, when none is left, to the field's "done" step:
  // a field is walked with Enter alone where the member agrees. An item answered with an error keeps the focus.
  function nextUndecided(saved) {
    var items = Array.prototype.slice.call(document.querySelectorAll("article.item"));
    var at = items.indexOf(saved);
    var order = items.slice(at + 1).concat(items.slice(0, at));
    return order.filter(function (a) { return a.classList.contains("undecided"); })[0];
  }
  document.addEventListener("htmx:afterSettle", function (e) {
    var cfg = e.detail && e.detail.requestConfig;
    var match = cfg && cfg.verb === "post" && /\/items\/(\d+)$/.exec(cfg.path || "");
    if (!match) { return; }
    var saved = document.getElementById("item-" + match[1]);
    if (!saved || !saved.classList.contains("just-saved")) { return; }
    var next = nextUndecided(saved);
    var target = next ? next.querySelector("button.agree")
      : document.querySelector("#field-done button[type=submit]");
    if (!target) { return; }
    target.focus({preventScroll: true});
    (next || document.getElementById("field-done")).scrollIntoView({block: "start"});
  });
  // A link ending in #todo (the board's cells, "next field") lands on the first item without a decision,
  // with the focus on its agree button; without one left, on the field's "done" step.
  function focusTodo() {
    if (window.location.hash !== "#todo") { return; }
    var first = document.querySelector("article.item.undecided");
    var target = first ? first.querySelector("button.agree") : document.querySelector("#field-done button[type=submit]");
    if (!target) { return; }
    target.focus({preventScroll: true});
    (first || document.getElementById("field-done")).scrollIntoView({block: "start"});
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusTodo);
  } else {
    focusTodo();
  }
  // A number key on an item's agree button scores the item otherwise in one key: 1, 2, … picks the item's
  // first, second, … choice (yes/no or level) and moves the focus to the reason, which Ctrl+Enter saves. On an
  // item scored by a number, a digit key moves the focus into its first number box and is typed there. Only
  // while the agree button has the focus (a single-key shortcut of a focused control, WCAG 2.1.4).
  document.addEventListener("keydown", function (e) {
    var button = e.target;
    if (!button || !button.classList || !button.classList.contains("agree") || e.ctrlKey || e.metaKey || e.altKey
        || !/^[0-9]$/.test(e.key)) { return; }
    var article = button.closest("article.item");
    var form = article && article.querySelector("form.item-form");
    if (!form) { return; }
    var choices = form.querySelectorAll(".item-inputs input[type=radio]");
    var note = form.querySelector("textarea[name=note]");
    if (choices.length) {
      var choice = choices[parseInt(e.key, 10) - 1];
      if (!choice || choice.disabled || !note) { return; }
      e.preventDefault();
      choice.checked = true;
      choice.dispatchEvent(new Event("change", {bubbles: true}));
      note.focus();
      return;
    }
    var box = form.querySelector(".item-inputs input[inputmode]");
    if (box && !box.disabled) { box.focus(); box.select(); }   // the key itself is typed into the box, over its value
  });
  // Ctrl+Enter in an appraisal note saves the item (Enter alone writes a new line in the note).
  document.addEventListener("keydown", function (e) {
    var box = e.target;
    if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey) || !box || box.tagName !== "TEXTAREA") { return; }
    var form = box.form;
    if (!form || !form.classList.contains("item-form") || !form.requestSubmit) { return; }
    e.preventDefault();
    form.requestSubmit(form.querySelector("button[type=submit].primary") || undefined);
  });
  // Once the field is done, its next field is one key away.
  document.addEventListener("htmx:afterSettle", function (e) {
    var cfg = e.detail && e.detail.requestConfig;
    if (!cfg || cfg.verb !== "post" || !/\/(done|accept-rest)$/.test(cfg.path || "")) { return; }
    var link = document.getElementById("next-field");
    if (link) { link.focus(); }
  });
  document.addEventListener("htmx:responseError", function (e) { showError(e.detail); });
  document.addEventListener("htmx:sendError", function () { showError(null); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", restoreDrafts);
  } else {
    restoreDrafts();
  }
})();
