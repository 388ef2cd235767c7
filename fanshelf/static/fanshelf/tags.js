// Tag completion for every text box marked data-tag-complete="<completion URL>" (data-tag-type narrows it to one
// tag type). The box gets a <datalist> the browser shows as suggestions, so keyboards and screen readers work as
// with any datalist. Boxes may hold a comma-separated list: only the name after the last comma is completed, and
// each suggestion keeps what comes before it. Without this script the boxes are plain text boxes and the forms
// work the same. Served from our own origin: the site's CSP allows no inline or foreign script.
(function () {
  "use strict";

  var WAIT_MS = 150;
  var counter = 0;

  function split(value) {
    var comma = value.lastIndexOf(",");
    if (comma < 0) {
      return { before: "", typed: value.trim() };
    }
    return { before: value.slice(0, comma + 1) + " ", typed: value.slice(comma + 1).trim() };
  }

  function attach(input) {
    var list = document.createElement("datalist");
    counter += 1;
    list.id = "tag-completions-" + counter;
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("list", list.id);
    var timer = null;
    var pending = null;
    var lastAsked = null;

    function show(before, tags) {
      list.replaceChildren();
      tags.forEach(function (tag) {
        var option = document.createElement("option");
        option.value = before + tag.name;
        list.appendChild(option);
      });
    }

    function ask() {
      var parts = split(input.value);
      if (!parts.typed) {
        show("", []);
        lastAsked = null;
        return;
      }
      var key = parts.before + "\u0000" + parts.typed;
      if (key === lastAsked) {
        return;
      }
      lastAsked = key;
      var url = new URL(input.dataset.tagComplete, window.location.href);
      url.searchParams.set("term", parts.typed);
      if (input.dataset.tagType) {
        url.searchParams.set("type", input.dataset.tagType);
      }
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      fetch(url, { signal: pending.signal, credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { tags: [] };
        })
        .then(function (data) {
          show(parts.before, data.tags || []);
        })
        .catch(function () {
          // Aborted by a newer keystroke, or offline: the box still takes whatever is typed.
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, WAIT_MS);
    });
  }

  function start() {
    document.querySelectorAll("input[data-tag-complete]").forEach(attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
