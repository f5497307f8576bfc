/* Rum: progressive enhancement only. Every page works without this file. */
(function () {
  "use strict";

  function selectAll() {
    document.querySelectorAll("input[data-select-all]").forEach(function (box) {
      var name = box.getAttribute("data-select-all");
      var form = box.form || document;
      // "All N matching rows" is offered once the whole page is ticked (without JS: always)
      var all = form.querySelector ? form.querySelector(".all-matching") : null;
      box.hidden = false;
      if (all) { all.hidden = true; }
      box.addEventListener("change", function () {
        form.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (b) {
          b.checked = box.checked;
        });
        if (all) {
          all.hidden = !box.checked;
          if (!box.checked) { all.querySelector("input").checked = false; }
        }
      });
    });
  }

  function lastToken(text) {
    var i = text.lastIndexOf(",");
    return i < 0 ? text : text.slice(i + 1);
  }

  function chosenIds(text, idOnly) {
    // the rows a to-many input holds already ("Name [id]", or ids alone): not offered again
    var ids = [];
    var parts = text.split(",");
    parts.forEach(function (part, i) {
      var found = /\[([^\[\]]+)\]\s*$/.exec(part);
      if (found) { ids.push(found[1].trim()); }
      // (the last part is what is being typed, not a row chosen yet)
      else if (idOnly && i < parts.length - 1 && part.trim()) { ids.push(part.trim()); }
    });
    return ids;
  }

  function autocomplete(input) {
    var fixed = input.getAttribute("data-multiple") === "true";
    // a filter's value box holds several rows while its operator is "is one of"
    var op = input.form && input.name.indexOf("v.") === 0 ?
      input.form.querySelector('select[name="op.' + input.name.slice(2) + '"]') : null;
    function multiple() { return fixed || (op !== null && op.value === "in"); }
    var idOnly = input.getAttribute("data-id-only") === "true";
    var list = document.createElement("ul");
    var timer = null, items = [], active = -1, seq = 0;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.id = input.id + "-suggestions";
    list.hidden = true;
    input.parentNode.insertBefore(list, input.nextSibling);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function close() {
      list.hidden = true; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function choose(item) {
      var text = idOnly ? item.id : item.label + " [" + item.id + "]";
      if (multiple()) {
        var head = input.value.slice(0, input.value.length - lastToken(input.value).length);
        input.value = (head ? head.replace(/\s*$/, " ") : "") + text + ", ";
      } else {
        input.value = text;
      }
      close();
      input.focus();
    }
    function highlight(i) {
      var nodes = list.querySelectorAll("li");
      nodes.forEach(function (n, j) { n.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (nodes[i]) { input.setAttribute("aria-activedescendant", nodes[i].id); }
    }
    function show(found) {
      items = found;
      list.textContent = "";
      found.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.textContent = item.label + " [" + item.id + "]";
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(item); });
        list.appendChild(li);
      });
      list.hidden = !found.length;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
      active = -1;
    }
    function fetchNow() {
      var term = (multiple() ? lastToken(input.value) : input.value).trim();
      var mine = ++seq;
      var url = input.getAttribute("data-complete") + "&limit=10&q=" + encodeURIComponent(term);
      var held = multiple() ? chosenIds(input.value, idOnly) : [];
      if (held.length) { url += "&exclude=" + encodeURIComponent(held.join(",")); }
      fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : {items: []}; })
        .then(function (data) { if (mine === seq) { show(data.items || []); } })
        .catch(function () { close(); });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchNow, 150);
    });
    input.addEventListener("focus", function () { if (!input.value) { fetchNow(); } });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(items[active]); }
      else if (e.key === "Escape") { close(); }
    });
  }

  function focusErrorSummary() {
    // after a refused submit, a keyboard or screen reader user starts at the list of errors
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    selectAll();
    document.querySelectorAll("input.complete[data-complete]").forEach(autocomplete);
  });
})();
