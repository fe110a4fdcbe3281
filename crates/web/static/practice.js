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
  function keepLocal(synced) {
    var old = local();
    var started = (old && old.started) || Number(root.dataset.started) || now();
    try {
      localStorage.setItem(key, JSON.stringify({ text: essay.value, synced: !!synced, base: base, started: started }));
    } catch (e) {}
  }

  var copy = local();
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
    var n = essay.value.trim() ? essay.value.trim().split(/\s+/).length : 0;
    words.textContent = n + (n === 1 ? " word" : " words");
  }

  // The timer runs from when the draft was started, across reloads.
  var started = Number(root.dataset.started) || (copy && copy.started) || now();
  var limit = Number(root.dataset.minutes) * 60;
  function tick() {
    var left = limit - (now() - started);
    var sign = left < 0 ? "−" : "";
    var a = Math.abs(left);
    timer.textContent = sign + Math.floor(a / 60) + ":" + String(a % 60).padStart(2, "0");
    timer.classList.toggle("over", left < 0);
    if (left === 0) timer.setAttribute("aria-live", "assertive");
  }
  tick();
  setInterval(tick, 1000);

  var lastSent = essay.value;
  function save(leaving) {
    if (!signedIn || essay.value === lastSent) return;
    var text = essay.value;
    fetch("/api/v1/drafts/" + encodeURIComponent(slug), {
      method: "PUT",
      keepalive: !!leaving && text.length < 60000,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": root.dataset.csrf },
      body: JSON.stringify({ text: text })
    }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (draft) {
      lastSent = text;
      base = draft.updated_at;
      if (essay.value === text) keepLocal(true);
      saved.textContent = "Draft saved " + new Date().toLocaleTimeString();
    }).catch(function () {
      saved.textContent = "Offline: kept in this browser";
    });
  }

  essay.addEventListener("input", function () { countWords(); keepLocal(false); });
  setInterval(function () { save(false); }, 5000);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") save(true); });
  window.addEventListener("pagehide", function () { save(true); });
  countWords();
})();
