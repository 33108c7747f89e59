// The query editor: YASGUI on this server's endpoint, the competency queries as example tabs.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("kg-config").textContent);
  var root = document.getElementById("yasgui");
  var endpoint = new URL(config.endpoint, window.location.href).href;

  window.KgGraph.register(Yasgui.Yasr, config);
  // only local completions: the prefix and vocabulary completers would ask services elsewhere (set on the
  // defaults, since YASGUI merges a configured list into the default one item by item)
  Yasgui.Yasqe.defaults.autocompleters = ["variables"];
  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    persistenceId: null,           // every visit starts clean: no tabs piling up in the browser's storage
    populateFromUrl: true,
    tabName: "Your query",
    yasqe: { value: root.getAttribute("data-default-query"), resizeable: true, editorHeight: "300px",
             collapsePrefixesOnLoad: true },
    yasr: { pluginOrder: ["table", "graph", "response"] }
  });
  function show(yasqe, text) {
    yasqe.setValue(text);
    if (yasqe.collapsePrefixes) yasqe.collapsePrefixes(true);   // the PREFIX block folded to one line
  }
  show(yasgui.getTab().getYasqe(), root.getAttribute("data-default-query"));

  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      var example = config.examples[Number(button.getAttribute("data-index"))];
      var tab = yasgui.addTab(true, {
        name: example.name,
        yasqe: { value: example.query },
        requestConfig: { endpoint: endpoint, method: "POST" }
      });
      show(tab.getYasqe(), example.query);
      tab.query();
    });
  });
  // result tables link IRIs as they are (and handle the click themselves); those under the public base open
  // their page on this server instead
  root.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    var href = link && link.getAttribute("href");
    if (!href || href.indexOf(config.base) !== 0) return;
    event.preventDefault();
    event.stopPropagation();
    var local = "/" + href.slice(config.base.length);
    if (event.ctrlKey || event.metaKey) window.open(local); else window.location.assign(local);
  }, true);
  window.kgYasgui = yasgui;
})();
