// pmgen site script: the timeline filter (by event type and entity). No network.
(function () {
  function setup() {
    var form = document.getElementById("pmgen-timeline-filter");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    // No inline handler (pages are sanitised): Enter in the entity box does not reload.
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var table = form.parentElement.querySelector("table");
    var scan = form.nextElementSibling;
    while (scan && !table) { table = scan.querySelector ? scan.querySelector("table") : null; scan = scan.nextElementSibling; }
    if (!table) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    function apply() {
      var type = form.elements.type.value, entity = form.elements.entity.value.trim();
      var shown = 0;
      rows.forEach(function (row) {
        var ok = (!type || row.cells[1].textContent.trim() === type) &&
          (!entity || row.cells[2].textContent.indexOf(entity) !== -1);
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      form.elements.count.value = shown + " of " + rows.length + " events";
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    var params = new URLSearchParams(location.search);
    if (params.get("type")) form.elements.type.value = params.get("type");
    if (params.get("entity")) form.elements.entity.value = params.get("entity");
    apply();
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(setup);
  else document.addEventListener("DOMContentLoaded", setup);
})();
