// pmgen site script: the timeline filter (by event type and entity) and the board filter
// (by sprint, agent, priority and status). No network; every page works without it.
(function () {
  function note(form, shown) {
    // "no events match": said in words, not an empty table (issue 17)
    var empty = form.parentElement.querySelector(".pmgen-empty[data-for='" + form.id + "']");
    if (!empty) {
      empty = document.createElement("p");
      empty.className = "pmgen-empty";
      empty.setAttribute("data-for", form.id);
      empty.setAttribute("role", "status");
      form.insertAdjacentElement("afterend", empty);
    }
    empty.hidden = shown > 0;
    empty.textContent = shown > 0 ? "" : form.dataset.none;
  }
  function claim(id, none) {
    // A filter form set up once per page (Material's instant loading calls setup again).
    var form = document.getElementById(id);
    if (!form || form.dataset.ready) return null;
    form.dataset.ready = "1";
    form.dataset.none = none;
    // No inline handler (pages are sanitised): Enter in a text box does not reload.
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    return form;
  }
  function timeline() {
    var form = claim("pmgen-timeline-filter", "No events match this filter.");
    if (!form) return;
    var table = form.parentElement.querySelector("table");
    var scan = form.nextElementSibling;
    while (scan && !table) { table = scan.querySelector ? scan.querySelector("table") : null; scan = scan.nextElementSibling; }
    if (!table) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    function apply() {
      var type = form.elements.type.value;
      var entity = form.elements.entity.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var ok = (!type || row.cells[1].textContent.trim() === type) &&
          (!entity || row.cells[2].textContent.toLowerCase().indexOf(entity) !== -1);
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      form.elements.count.value = shown + " of " + rows.length + " events";
      table.hidden = shown === 0;
      note(form, shown);
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    var params = new URLSearchParams(location.search);
    if (params.get("type")) form.elements.type.value = params.get("type");
    if (params.get("entity")) form.elements.entity.value = params.get("entity");
    apply();
  }
  function board() {
    var form = claim("pmgen-board-filter", "No cards match this filter.");
    if (!form) return;
    var keys = ["sprint", "agent", "priority", "status"];
    var cards = Array.prototype.slice.call(document.querySelectorAll(".pmgen-board__card"));
    function apply() {
      var shown = 0;
      cards.forEach(function (card) {
        var ok = keys.every(function (key) {
          var want = form.elements[key].value;
          return !want || card.getAttribute("data-" + key) === want;
        });
        card.hidden = !ok;
        if (ok) shown += 1;
      });
      document.querySelectorAll(".pmgen-board__column").forEach(function (column) {
        var count = column.querySelector(".pmgen-board__count");
        if (count) count.textContent = column.querySelectorAll(".pmgen-board__card:not([hidden])").length;
      });
      form.elements.count.value = shown + " of " + cards.length + " cards";
      note(form, shown);
    }
    form.addEventListener("change", apply);
    var params = new URLSearchParams(location.search);
    keys.forEach(function (key) {
      var value = params.get(key), select = form.elements[key];
      if (!value || !select) return;
      if (!Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
        var option = document.createElement("option");
        option.value = value; option.textContent = value;
        select.appendChild(option);
      }
      select.value = value;
    });
    apply();
  }
  function setup() { timeline(); board(); }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(setup);
  else document.addEventListener("DOMContentLoaded", setup);
})();
