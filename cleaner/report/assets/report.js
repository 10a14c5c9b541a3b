(function () {
  "use strict";
  var docs = Array.prototype.slice.call(document.querySelectorAll("article.doc"));
  var filters = Array.prototype.slice.call(document.querySelectorAll("[data-filter]"));
  var count = document.getElementById("match-count");
  var prev = document.getElementById("page-prev");
  var next = document.getElementById("page-next");
  var pageNo = document.getElementById("page-no");
  var size = parseInt(document.body.getAttribute("data-page-size"), 10) || 100;
  var page = 0;
  var matches = docs;

  function passes(d, f) {
    var wanted = f.value.trim();
    if (!wanted) return true;
    var have = d.getAttribute("data-" + f.getAttribute("data-filter")) || "";
    if (f.getAttribute("data-match") === "substring") {
      return have.toLowerCase().indexOf(wanted.toLowerCase()) >= 0;
    }
    return (" " + have + " ").indexOf(" " + wanted + " ") >= 0;
  }
  function keep(d) {
    for (var i = 0; i < filters.length; i++) if (!passes(d, filters[i])) return false;
    return true;
  }
  function render() {
    var pages = Math.max(1, Math.ceil(matches.length / size));
    page = Math.min(Math.max(page, 0), pages - 1);
    var visible = new Set(matches.slice(page * size, page * size + size));
    docs.forEach(function (d) { d.hidden = !visible.has(d); });
    if (count) count.textContent = matches.length + " of " + docs.length + " documents";
    if (pageNo) pageNo.textContent = "page " + (page + 1) + " of " + pages;
    if (prev) prev.disabled = page === 0;
    if (next) next.disabled = page >= pages - 1;
  }
  function apply() { matches = docs.filter(keep); page = 0; render(); }
  function toDocuments() { var s = document.getElementById("documents"); if (s) s.scrollIntoView(); }
  function clear() { filters.forEach(function (f) { f.value = ""; }); }
  filters.forEach(function (f) { f.addEventListener(f.tagName === "INPUT" ? "input" : "change", apply); });
  if (prev) prev.addEventListener("click", function () { page -= 1; render(); toDocuments(); });
  if (next) next.addEventListener("click", function () { page += 1; render(); toDocuments(); });
  document.querySelectorAll("[data-set-filter]").forEach(function (b) {
    b.addEventListener("click", function () {
      var f = document.getElementById("f-" + b.getAttribute("data-set-filter"));
      if (!f) return;
      clear();
      f.value = b.getAttribute("data-value");
      apply();
      toDocuments();
    });
  });
  function reveal() {
    var d = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!d || docs.indexOf(d) < 0) return;
    if (matches.indexOf(d) < 0) { clear(); matches = docs.slice(); }
    page = Math.floor(matches.indexOf(d) / size);
    render();
    d.scrollIntoView();
  }
  window.addEventListener("hashchange", reveal);
  apply();
  if (location.hash) reveal();
})();
