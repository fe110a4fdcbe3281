// Essay practice: exam timer, word count, autosave to the server (signed in) and a copy in
// this browser (always), so a closed tab, a reload or a dropped network loses nothing.
(function () {
  "use strict";
  // Signing out (on a shared computer, say) takes this browser's copies of drafts with it.
  Array.prototype.forEach.call(document.querySelectorAll("form.signout"), function (form) {
    form.addEventListener("submit", function () {
      try {
        for (var i = localStorage.length - 1; i >= 0; i--) {
          var k = localStorage.key(i);
          if (k && k.indexOf("studypack:draft:") === 0) localStorage.removeItem(k);
        }
      } catch (e) {}
    });
  });
  var report = document.getElementById("report");
  if (report) {
    // The essay has been marked: the browser's copy of the draft is no longer needed.
    try { localStorage.removeItem("studypack:draft:" + report.dataset.user + ":" + report.dataset.clearDraft); } catch (e) {}
    return;
  }
  var root = document.getElementById("practice");
  if (!root) return;
  var slug = root.dataset.slug;
  // One copy per account (and one for visitors), so a shared computer keeps drafts apart.
  var key = "studypack:draft:" + root.dataset.user + ":" + slug;
  var signedIn = root.dataset.signedIn === "true";
  var essay = document.getElementById("essay");
  var words = document.getElementById("words");
  var saved = document.getElementById("saved");
  var timer = document.getElementById("timer");
  var restored = document.getElementById("restored");
  var serverSaved = Number(root.dataset.saved) || 0;
  var now = function () { return Math.floor(Date.now() / 1000); };

  function local() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  // The browser's copy: the text, whether the server has it, and the server's version it
  // was based on (so a newer draft saved from another device is not overwritten silently).
  var base = serverSaved;
  // The sitting: when this attempt began (its clock). A submitted attempt is final, so a
  // copy in this browser from a sitting already submitted is not brought back.
  var sitting = Number(root.dataset.started) || now();
  var lastSubmitted = Number(root.dataset.lastSubmitted) || 0;
  var startedField = document.querySelector("#essay-form input[name=started]");
  var copy = local();
  if (copy && copy.started && copy.started <= lastSubmitted) {
    try { localStorage.removeItem(key); } catch (e) {}
    copy = null;
  }
  if (copy && copy.started && !serverSaved) {
    // No draft on the server: the sitting (and its clock) is the one this browser kept.
    sitting = copy.started;
    if (startedField) startedField.value = String(sitting);
  }
  function keepLocal(synced) {
    try {
      localStorage.setItem(key, JSON.stringify({ text: essay.value, synced: !!synced, base: base, started: sitting }));
    } catch (e) {}
  }

  if (copy && copy.text && !copy.synced && copy.text !== essay.value) {
    if (!signedIn || (copy.base || 0) >= serverSaved) {
      // The network dropped or the tab closed before the server had the latest words.
      essay.value = copy.text;
      restored.textContent = "Restored the draft saved in this browser.";
      restored.hidden = false;
    } else {
      // The server has a newer draft (from another device): keep it, offer this one.
      restored.textContent = "A newer draft from another device was loaded. ";
      var use = document.createElement("button");
      use.type = "button";
      use.textContent = "Use the copy from this browser instead";
      use.addEventListener("click", function () {
        essay.value = copy.text;
        restored.hidden = true;
        countWords();
        keepLocal(false);
      });
      restored.appendChild(use);
      restored.hidden = false;
    }
  }

  function countWords() {
    var n = wordCount(essay.value);
    words.textContent = n + (n === 1 ? " word" : " words");
    checkLength();
  }

  // Too long to mark: said before sending, the text untouched.
  var form = document.getElementById("essay-form");
  var tooLong = document.getElementById("too-long");
  var maxBytes = Number(form.dataset.maxBytes) || Infinity;
  function overLimit() {
    var text = essay.value;
    // Each UTF-16 unit is at most 3 bytes of UTF-8: most essays need no encoding.
    if (text.length * 3 <= maxBytes) return 0;
    var bytes = new TextEncoder().encode(text).length;
    return bytes > maxBytes ? bytes : 0;
  }
  function checkLength() {
    var bytes = overLimit();
    var was = !tooLong.hidden;
    if (bytes) {
      var msg = "Your essay is too long to mark. The limit is " + form.dataset.limit +
        "; this essay is " + Math.ceil(bytes / 1024) + " kB. Shorten it, then ask for feedback.";
      // Said once when it goes over, not on every key.
      if (!was || tooLong.textContent !== msg) tooLong.textContent = msg;
      tooLong.hidden = false;
    } else if (was) {
      tooLong.hidden = true;
      tooLong.textContent = "";
    }
    return bytes;
  }

  // The timer runs from when the draft was started, across reloads. It is not a live region:
  // it speaks only at 5 minutes, 1 minute and 0 (the note below), and time's up is shown.
  var started = sitting;
  // The sitting is in the server's time; this device's clock may be off.
  var skew = now() - (Number(root.dataset.now) || now());
  var limit = Number(root.dataset.minutes) * 60;
  var note = document.getElementById("timer-note");
  var timesUp = document.getElementById("timesup");
  var STAGES = [
    [300, "5 minutes left."],
    [60, "1 minute left."],
    [0, "Time's up. You can finish your sentence and submit."]
  ];
  function stage(left) {
    var s = 0;
    for (var i = 0; i < STAGES.length; i++) if (left <= STAGES[i][0]) s = i + 1;
    return s;
  }
  var lastStage = -1;
  function tick() {
    var left = limit - (now() - skew - started);
    var sign = left < 0 ? "−" : "";
    var a = Math.abs(left);
    timer.textContent = sign + Math.floor(a / 60) + ":" + String(a % 60).padStart(2, "0");
    timer.classList.toggle("over", left <= 0);
    var s = stage(left);
    // Announced when the time crosses a mark while the page is open, not on loading.
    if (lastStage >= 0 && s > lastStage) note.textContent = STAGES[s - 1][1];
    lastStage = s;
    timesUp.hidden = left > 0;
  }
  // Untimed work has no timer.
  if (timer && limit > 0) {
    tick();
    setInterval(tick, 1000);
  }

  var lastSent = essay.value;
  var isFinal = false;
  var submittedNote = document.getElementById("submitted");
  function save(leaving) {
    if (!signedIn || isFinal || essay.value === lastSent) return;
    var text = essay.value;
    fetch("/api/v1/drafts/" + encodeURIComponent(slug), {
      method: "PUT",
      keepalive: !!leaving && text.length < 60000,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": root.dataset.csrf },
      body: JSON.stringify({ text: text, started_at: sitting })
    }).then(function (r) {
      if (r.status === 409) {
        // This sitting was submitted (in another tab, say): saving stops, and the page says so.
        isFinal = true;
        return r.json().then(function (e) {
          submittedNote.textContent = (e && e.error && e.error.message) || "This essay has been submitted.";
          submittedNote.hidden = false;
          status("Not saved: this essay was submitted");
          savedAt.textContent = "";
          throw null;
        });
      }
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (draft) {
      lastSent = text;
      base = draft.updated_at;
      if (essay.value === text) keepLocal(true);
      status("Draft saved");
      savedAt.textContent = "at " + new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    }).catch(function (e) {
      if (isFinal) return;
      if (String(e && e.message) === "400" && overLimit()) status("Too long to save online: kept in this browser");
      else status("Not saved online: kept in this browser");
      savedAt.textContent = "";
    });
  }
  // The status is a live region: it changes (and so speaks) only when the news changes.
  var savedAt = document.getElementById("saved-at");
  function status(text) {
    if (saved.textContent !== text) saved.textContent = text;
  }

  // Submitting: a too-long essay is stopped with the limit stated; without a connection the
  // essay stays here and is sent when the connection is back (or on "Try again").
  var offline = document.getElementById("offline");
  var waiting = false;
  function reachable() {
    if (navigator.onLine === false) return Promise.resolve(false);
    return fetch("/healthz", { cache: "no-store", credentials: "same-origin" })
      // The body is read to the end, so that leaving the page does not cut the request.
      .then(function (r) { return r.text().then(function () { return r.ok; }); })
      .catch(function () { return false; });
  }
  function trySubmit() {
    return reachable().then(function (ok) {
      if (ok) {
        waiting = false;
        offline.hidden = true;
        form.submit();
        return;
      }
      waiting = true;
      offline.textContent = "";
      offline.appendChild(document.createTextNode("You are offline. Your essay is safe in this browser, and it will be sent when the connection is back. "));
      var again = document.createElement("button");
      again.type = "button";
      again.textContent = "Try again now";
      again.addEventListener("click", trySubmit);
      offline.appendChild(again);
      offline.hidden = false;
    });
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    keepLocal(false);
    if (checkLength()) {
      tooLong.setAttribute("tabindex", "-1");
      tooLong.focus();
      return;
    }
    trySubmit();
  });
  window.addEventListener("online", function () { if (waiting) trySubmit(); });

  essay.addEventListener("input", function () { countWords(); keepLocal(false); });
  setInterval(function () { save(false); }, 5000);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") save(true); });
  window.addEventListener("pagehide", function () { save(true); });
  countWords();
})();

// Counts words exactly as the feedback engine does (crates/feedback/src/reading/words.rs):
// a word is a run of letters and digits (Unicode alphabetic or numeric); an apostrophe (' or
// ’) or an invisible character (soft hyphen, zero-width space or joiner, word joiner, BOM)
// between two such characters belongs to the word. Hyphens, dashes, slashes and full stops
// separate words: "one-party" is two, "1,000" is two, "https://x.org" is three.
function wordCount(text) {
  var m = text.match(/[\p{Alphabetic}\p{N}]+(?:['\u2019\u00ad\u200b\u200c\u200d\u2060\ufeff][\p{Alphabetic}\p{N}]+)*/gu);
  return m ? m.length : 0;
}
