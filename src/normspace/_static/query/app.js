// The query page of `normspace serve`: the named query library beside a YASGUI editor.
//
// Everything comes from the server that served this page: the library (/api/queries),
// the prefixes for completion (/api/prefixes), the query text with parameters bound as RDF
// terms by the server's own resolution (/api/bind/NAME?PARAM=VALUE), and the results
// (/sparql). YASGUI is configured to make no other request: no prefix.cc, no LOV
// completion, no endpoint catalogue of public endpoints, no localStorage.
//
// URLs: /?name=QUERY[&PARAM=VALUE...] opens a named query (and runs it when every required
// parameter is given); /?query=TEXT opens arbitrary SPARQL text.
"use strict";

(function () {
  const origin = window.location.origin;
  const endpoint = origin + "/sparql";
  const state = { queries: new Map(), yasgui: null, current: null };

  /** An element with attributes and children (text children become text nodes). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function setStatus(message, isError) {
    const status = document.getElementById("status");
    status.textContent = message;
    status.classList.toggle("error", Boolean(isError));
  }

  function makeEditor() {
    // YASGUI merges its configuration into its defaults index by index, so lists are
    // replaced on the defaults themselves: only the completers that stay on this machine.
    Yasgui.defaults.yasqe.autocompleters = ["prefixes", "variables"];
    Yasgui.defaults.yasqe.prefixCcApi = origin + "/api/prefixes";
    return new Yasgui(document.getElementById("yasgui"), {
      requestConfig: { endpoint: endpoint, method: "POST" },
      endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
      copyEndpointOnNewTab: true,
      persistenceId: null,
      populateFromUrl: false,
      autofocus: false,
      tabName: "Query",
    });
  }

  // -- the library list ------------------------------------------------------------------

  const GROUP_TITLES = { analysis: "Analysis queries", qc: "Quality checks of the ontology" };

  function renderLibrary(queries) {
    const list = document.getElementById("query-list");
    list.replaceChildren();
    const groups = new Map();
    for (const query of queries) {
      if (!groups.has(query.group)) groups.set(query.group, []);
      groups.get(query.group).push(query);
    }
    for (const [group, members] of groups) {
      const headingId = "group-" + group.replace(/[^a-z0-9-]/gi, "-");
      const items = members.map((query) => {
        const button = el(
          "button",
          { type: "button", class: "query-button", "data-name": query.name },
          el("span", { class: "query-title", text: query.title }),
          el("code", { class: "query-id", text: query.name }),
        );
        if (query.params.length) {
          const names = query.params.map((p) => "?" + p.name + (p.required ? "" : "?"));
          button.append(el("span", { class: "query-params", text: names.join(" ") }));
        }
        button.addEventListener("click", () => selectQuery(query.name, {}, false));
        return el("li", { "data-search": searchText(query) }, button);
      });
      list.append(
        el("h3", { id: headingId, text: GROUP_TITLES[group] || group }),
        el("ul", { "aria-labelledby": headingId }, ...items),
      );
    }
  }

  function searchText(query) {
    return [query.name, query.title, query.description].join(" ").toLowerCase();
  }

  function filterLibrary(text) {
    const words = text.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const item of document.querySelectorAll("#query-list li")) {
      const hay = item.getAttribute("data-search");
      const match = words.every((w) => hay.includes(w));
      item.hidden = !match;
      if (match) shown += 1;
    }
    const counted = shown === 1 ? "1 named query matches" : shown + " named queries match";
    setStatus(words.length ? counted : "");
  }

  // -- one named query -------------------------------------------------------------------

  function paramField(param, value) {
    const id = "param-" + param.name;
    const hintId = id + "-hint";
    const hint = [param.type, param.description];
    if (param.default !== null) hint.push("default: " + param.default);
    else if (!param.required) hint.push("optional; unbound means " + param.unbound);
    const input = el("input", {
      id: id,
      name: param.name,
      type: "text",
      value: value !== undefined ? value : "",
      placeholder: param.default !== null ? param.default : "",
      required: param.required,
      "aria-describedby": hintId,
      autocomplete: "off",
    });
    return el(
      "div",
      { class: "param" },
      el("label", { for: id }, "?" + param.name + (param.required ? " (required)" : "")),
      input,
      el("small", { id: hintId, class: "param-hint", text: hint.join(" · ") }),
    );
  }

  function formValues() {
    const values = {};
    for (const input of document.querySelectorAll("#params input")) {
      if (input.value.trim() !== "") values[input.name] = input.value.trim();
    }
    return values;
  }

  function queryString(values) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(values)) search.append(key, value);
    return search.toString();
  }

  function showQuery(query, values) {
    state.current = query;
    document.getElementById("selected").hidden = false;
    document.getElementById("selected-title").textContent = query.title;
    document.getElementById("selected-name").textContent = query.name;
    document.getElementById("selected-description").textContent = query.description;
    const fields = query.params.map((p) => paramField(p, values[p.name]));
    document.getElementById("params").replaceChildren(...fields);
    document.getElementById("params-fieldset").hidden = fields.length === 0;
    for (const button of document.querySelectorAll(".query-button")) {
      const selected = button.getAttribute("data-name") === query.name;
      if (selected) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    }
    updateResultsLink(values);
  }

  function updateResultsLink(values) {
    const link = document.getElementById("results-link");
    const search = queryString(Object.assign({}, values, { format: "csv" }));
    link.href = "/api/queries/" + encodeURI(state.current.name) + "?" + search;
  }

  /** Open a named query: show its form, put its text (parameters bound by the server) in the
   * editor, and run it when asked or when nothing required is missing. */
  async function selectQuery(name, values, run) {
    const query = state.queries.get(name);
    if (!query) {
      setStatus("There is no named query " + name + " in the library.", true);
      return;
    }
    showQuery(query, values);
    const missing = query.params.filter((p) => p.required && !values[p.name]);
    const search = queryString(Object.assign({ name: name }, values));
    window.history.replaceState(null, "", "/?" + search);
    if (missing.length) {
      state.yasgui.getTab().setQuery(query.text);
      setStatus("Give ?" + missing.map((p) => p.name).join(", ?") + " and run the query.");
      document.getElementById("param-" + missing[0].name).focus();
      return;
    }
    const response = await fetch("/api/bind/" + encodeURI(name) + "?" + queryString(values));
    const body = await response.text();
    if (!response.ok) {
      setStatus(body.trim(), true);
      return;
    }
    const tab = state.yasgui.getTab();
    tab.setQuery(JSON.parse(body).query);
    if (run) {
      setStatus("Running " + name + "…");
      try {
        await tab.query();
        setStatus("Ran " + name + ".");
      } catch (error) {
        setStatus("The query failed: " + error, true);
      }
    } else {
      setStatus("Opened " + name + "; run it with the button or Ctrl+Enter in the editor.");
    }
  }

  // -- start -------------------------------------------------------------------------------

  async function loadLibrary() {
    const response = await fetch("/api/queries", { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error("the library could not be loaded: " + response.status);
    const library = await response.json();
    for (const query of library.queries) state.queries.set(query.name, query);
    renderLibrary(library.queries);
  }

  async function start() {
    document.getElementById("endpoint-url").textContent = endpoint;
    state.yasgui = makeEditor();
    document.getElementById("library-filter").addEventListener("input", (event) => {
      filterLibrary(event.target.value);
    });
    document.getElementById("params-form").addEventListener("submit", (event) => {
      event.preventDefault();
      if (state.current) selectQuery(state.current.name, formValues(), true);
    });
    document.getElementById("params").addEventListener("input", () => {
      if (state.current) updateResultsLink(formValues());
    });
    try {
      await loadLibrary();
    } catch (error) {
      setStatus(String(error), true);
      return;
    }
    const params = new URLSearchParams(window.location.search);
    if (params.has("name")) {
      const values = {};
      for (const [key, value] of params) if (key !== "name") values[key] = value;
      await selectQuery(params.get("name"), values, true);
    } else if (params.has("query")) {
      state.yasgui.getTab().setQuery(params.get("query"));
      setStatus("Opened the query from the address; run it with Ctrl+Enter in the editor.");
    }
  }

  start();
})();
