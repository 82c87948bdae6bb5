/* kg query page: YASGUI on the local /sparql endpoint, with the named example queries.
 *
 * YASGUI is told never to leave the machine: the LOV class/property completers (which call
 * lov.linkeddata.es) are switched off, no prefix.cc URL is configured (bundled prefixes are
 * used), the endpoint catalogue lists only our endpoint, and nothing is persisted between
 * visits, so an old tab cannot point the editor at another server.
 */
(function () {
  "use strict";

  var boot = JSON.parse(document.getElementById("kq-boot").textContent);
  var endpoint = new URL(boot.endpoint, window.location.href).href;
  var Y = window.Yasgui;

  Y.Yasqe.defaults.autocompleters = Y.Yasqe.defaults.autocompleters.filter(function (name) {
    return name !== "property" && name !== "class";
  });
  Y.Yasqe.defaults.prefixCcApi = null;

  var byName = {};
  boot.examples.forEach(function (e) { byName[e.name] = e; });
  var first = boot.examples[0];

  var yasgui = new Y(document.getElementById("kq-yasgui"), {
    requestConfig: {endpoint: endpoint, method: "POST"},
    copyEndpointOnNewTab: true,
    persistenceId: null,
    endpointCatalogueOptions: {getData: function () { return [{endpoint: endpoint}]; }},
    populateFromUrl: false,
    autofocus: false,
    yasqe: {value: first ? first.query : "SELECT * WHERE { ?s ?p ?o } LIMIT 10"},
    yasr: {prefixes: {}}
  });

  function open(example) {
    var tab = yasgui.addTab(true, {name: example.title.slice(0, 48),
                                   requestConfig: {endpoint: endpoint, method: "POST"},
                                   yasqe: {value: example.query}});
    var yasqe = tab.getYasqe();
    if (yasqe) { yasqe.setValue(example.query); yasqe.query(); }
    else { tab.once("initialized", function () { tab.getYasqe().setValue(example.query); tab.getYasqe().query(); }); }
  }

  document.querySelectorAll(".kq-example").forEach(function (button) {
    button.addEventListener("click", function () {
      var example = byName[button.dataset.name];
      if (example) { open(example); }
      document.querySelectorAll(".kq-example[aria-current]").forEach(function (b) { b.removeAttribute("aria-current"); });
      button.setAttribute("aria-current", "true");
    });
  });
  var firstTab = yasgui.getTab();
  if (first && firstTab) { firstTab.setName(first.title.slice(0, 48)); }
  window.kgQuery = {yasgui: yasgui, open: open};
}());
