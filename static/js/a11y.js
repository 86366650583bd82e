/* Cổng Chỉ số CCHC — what a keyboard or screen-reader user needs after an htmx swap, in one place.

   1. Focus. An htmx swap replaces the widget a person acted in (an item, a comment thread, an evidence box):
      without care the focus falls to the page body and the next Tab starts again from the top. After every
      swap the focus goes, in this order, to
        a. the element the server marked with data-focus-here (the new or changed comment, the "send"
           button of a preview): itself if it can take the focus, else its first control, else the element;
        b. the first field marked invalid (a refused save: the person corrects it where the error is);
        c. the control the person acted from, if it is still on the page (htmx keeps it by its id);
        d. the control of the same form with the same name (or the same submit button) in the new content;
        e. the first control of the new content, else the new content itself.
      Steps c–e only run when the focus was lost; a focus another script has moved on purpose (the council's
      save-and-next in portal.js) is left where it is.
   2. Announcements. One persistent polite live region (#live-status, in base.html, never swapped) says in
      words what happened: "Mục 1.3.2: Đã lưu. Đã chấm 12/40 mục." for a save, the error for a refusal,
      the conflict's explanation for a conflict. Screen readers ignore a live region that is itself replaced,
      so the swapped widgets carry no live roles once they are on the page: their messages are read here. */
(function () {
  "use strict";
  var en = function () { return document.documentElement.lang === "en"; };
  var FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), " +
    "select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";
  var MESSAGES = ".saved-note, .conflict, p.error, p.flash, .flash-error";
  var acting = new WeakMap();  // request → what had the focus when it started, and whether it sat in the target
  var done = new WeakSet();    // requests already handled (afterSettle fires once per swapped element)
  var said = "";               // the last sentence put in the live region

  function visible(el) {
    return !!(el && (el.offsetWidth || el.offsetHeight || el.getClientRects().length));
  }

  function firstControl(root) {
    var all = root.querySelectorAll(FOCUSABLE);
    for (var i = 0; i < all.length; i++) {
      if (visible(all[i]) && !all[i].closest("[inert]")) { return all[i]; }
    }
    return null;
  }

  function focusOn(el) {
    if (!el) { return false; }
    if (!el.matches(FOCUSABLE) && !el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "-1"); }
    el.focus({preventScroll: true});
    var box = el.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) { el.scrollIntoView({block: "center"}); }
    return document.activeElement === el;
  }

  function lost() {
    var a = document.activeElement;
    return !a || a === document.body || a === document.documentElement || !a.isConnected;
  }

  function describe(el) {
    if (!el || el === document.body) { return null; }
    var form = el.form || (el.closest && el.closest("form"));
    return {id: el.id || "", name: el.getAttribute("name") || "", value: el.value || "",
            type: (el.getAttribute("type") || el.tagName).toLowerCase(),
            form: form ? (form.getAttribute("hx-post") || form.getAttribute("action") || "") : ""};
  }

  function sameControl(root, was) {
    if (!was) { return null; }
    if (was.id) {
      var byId = document.getElementById(was.id);
      if (byId && visible(byId)) { return byId; }
    }
    var forms = Array.prototype.filter.call(root.querySelectorAll("form"), function (f) {
      return (f.getAttribute("hx-post") || f.getAttribute("action") || "") === was.form;
    });
    if (!forms.length) { return null; }
    var form = forms[0];
    if (was.type === "submit" || was.type === "button") { return form.querySelector("button[type=submit], button:not([type])"); }
    if (!was.name) { return null; }
    var same = Array.prototype.filter.call(form.elements, function (el) {
      return el.name === was.name && (el.type !== "radio" || el.value === was.value);
    });
    return same[0] || null;
  }

  function placeFocus(root, acted) {
    var marked = root.matches("[data-focus-here]") ? root : root.querySelector("[data-focus-here]");
    if (marked) {
      return focusOn(marked.matches(FOCUSABLE) ? marked : (firstControl(marked) || marked));
    }
    var invalid = root.querySelector("[aria-invalid=true]");
    if (invalid) {
      var field = invalid.matches("fieldset") ? firstControl(invalid) : invalid;
      return focusOn(field || invalid);
    }
    // Only a person who acted inside the swapped widget gets the focus back: a report job polled every 2 s
    // never takes the focus from someone reading elsewhere on the page.
    if (!lost() || !acted || !acted.inside) { return true; }
    return focusOn(sameControl(root, acted) || firstControl(root) || root);
  }

  // ------------------------------------------------------------------------------------ announcements

  function region() { return document.getElementById("live-status"); }

  function announce(text) {
    var live = region();
    text = (text || "").replace(/\s+/g, " ").trim();
    if (!live || !text) { return; }
    // Emptied first and filled on the next turn, so the same words said twice are read twice.
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 60);
  }

  function messagesOf(root) {
    var parts = [];
    Array.prototype.forEach.call(root.querySelectorAll(MESSAGES), function (el) {
      if (!visible(el) || (el.parentElement && el.parentElement.closest(MESSAGES))) { return; }
      parts.push(el.textContent.replace(/\s+/g, " ").trim());
    });
    return parts.filter(Boolean);
  }

  function sentence(root) {
    var parts = messagesOf(root);
    if (!parts.length) { return ""; }
    var code = root.getAttribute("data-code");
    var text = (code ? (en() ? "Item " : "Mục ") + code + ": " : "") + parts.join(" ");
    var progress = root.matches("article.item") && document.querySelector("#summary .progress-line");
    if (progress && root.querySelector(".saved-note")) { text += " " + progress.textContent; }
    return text;
  }

  // Live roles inside swapped content would be announced a second time (or not at all, as the element is
  // new): the words go to the one persistent region instead. Done in the same task as the swap, before
  // the accessibility tree sees the new nodes.
  function quiet(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[role=status], [role=alert], [aria-live]"), function (el) {
      el.removeAttribute("role");
      el.removeAttribute("aria-live");
    });
  }

  // ------------------------------------------------------------------------------------------ events

  document.addEventListener("htmx:beforeRequest", function (e) {
    var d = e.detail || {};
    var was = describe(document.activeElement);
    if (d.xhr && was) {
      was.inside = !!(d.target && d.target.contains && d.target.contains(document.activeElement));
      acting.set(d.xhr, was);
    }
  });

  document.addEventListener("htmx:afterSwap", function (e) {
    var target = e.detail && e.detail.target;
    var id = target && target.id;
    var root = (id && document.getElementById(id)) || target;
    if (root && root.isConnected) { quiet(root); }
  });
  document.addEventListener("htmx:oobAfterSwap", function (e) {
    var target = e.detail && e.detail.target;
    var root = target && target.id && document.getElementById(target.id);
    if (root) { quiet(root); }
  });

  document.addEventListener("htmx:afterSettle", function (e) {
    var xhr = e.detail && e.detail.xhr;
    if (!xhr || done.has(xhr)) { return; }
    var target = e.detail.target;
    var root = target && target.id ? document.getElementById(target.id) : null;
    if (!root) { return; }          // an out-of-band element settles first; wait for the main target
    done.add(xhr);
    placeFocus(root, acting.get(xhr));
    // A GET (opening a thread, a filter, a report job polled every 2 s) is said only when its words are new.
    var text = sentence(root);
    var cfg = e.detail.requestConfig;
    if (text && (!cfg || cfg.verb !== "get" || text !== said)) { said = text; announce(text); }
  });

  // A request that fails altogether (portal.js writes its reason in the message area) is said as well.
  function sayFailure() {
    window.setTimeout(function () {
      var flash = document.querySelector("#flash .flash");
      if (flash) { announce(flash.textContent); }
    }, 0);
  }
  document.addEventListener("htmx:responseError", sayFailure);
  document.addEventListener("htmx:sendError", sayFailure);

  window.cchcAnnounce = announce;   // for the other scripts of the portal (upload.js, portal.js)
})();
