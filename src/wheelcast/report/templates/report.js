/* wheelcast report: draws the page from the JSON document in #wheelcast-data.
   Plain DOM, no framework, nothing fetched. Text from the data is only ever set as
   textContent (never parsed as HTML), so a package's strings cannot add markup. */
(function () {
  "use strict";

  var VERDICTS = {
    binary: { glyph: "●", label: "binary wheel" },
    pure: { glyph: "○", label: "pure wheel" },
    build: { glyph: "▲", label: "build from sdist" },
    missing: { glyph: "✖", label: "missing" },
    conflict: { glyph: "≠", label: "conflict" },
    direct: { glyph: "◆", label: "direct reference" }
  };
  var ORDER = ["binary", "pure", "build", "missing", "conflict", "direct"];
  var NONE = { glyph: "·", label: "not needed" };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    var key;
    for (key in attrs || {}) {
      if (!Object.prototype.hasOwnProperty.call(attrs, key)) continue;
      var value = attrs[key];
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function byId(id) { return document.getElementById(id); }
  function verdictOf(name) { return VERDICTS[name] || NONE; }

  function glyph(name) {
    return el("span", { className: "glyph v-" + (VERDICTS[name] ? name : "none"), "aria-hidden": "true", text: verdictOf(name).glyph });
  }

  function badge(name) {
    return el("span", { className: "badge v-" + name }, [glyph(name), " " + verdictOf(name).label]);
  }

  function facts(pairs) {
    var list = el("dl", { className: "facts" });
    pairs.forEach(function (pair) {
      if (pair[1] === null || pair[1] === undefined || pair[1] === "") return;
      list.appendChild(el("dt", { text: pair[0] }));
      var value = pair[1];
      list.appendChild(typeof value === "string" ? el("dd", { text: value }) : el("dd", {}, [value]));
    });
    return list;
  }

  function bullets(items, className) {
    return el("ul", { className: className || "plain" }, items.map(function (item) {
      return typeof item === "string" ? el("li", { text: item }) : el("li", {}, [item]);
    }));
  }

  function section(parent, title, nodes) {
    var kept = nodes.filter(function (node) { return node; });
    if (!kept.length) return;
    parent.appendChild(el("h3", { text: title }));
    kept.forEach(function (node) { parent.appendChild(node); });
  }

  function code(text) { return el("pre", {}, [el("code", { text: text })]); }

  function nearby(wheel) {
    if (!wheel) return null;
    var text = wheel.version;
    if (wheel.uploaded) text += " (uploaded " + wheel.uploaded + ")";
    if (!wheel.satisfies_requirements) text += " — outside your requirements";
    return text;
  }

  /* ---- the explanation dialog -------------------------------------------- */

  var dialog = byId("detail");
  var opener = null;

  function openDialog(title, fill, from) {
    var body = byId("detail-body");
    byId("detail-title").textContent = title;
    body.textContent = "";
    fill(body);
    opener = from || null;
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
    byId("detail-close").focus();
  }

  function closeDialog() {
    if (dialog.open) dialog.close();
  }

  byId("detail-close").addEventListener("click", closeDialog);
  dialog.addEventListener("close", function () {
    // Back to the cell that opened it, so a keyboard user keeps their place. "close" is
    // dispatched a task later: a reader who has already tabbed on keeps where they went.
    var active = document.activeElement;
    var adrift = !active || active === document.body || dialog.contains(active);
    if (adrift && opener && document.body.contains(opener)) opener.focus();
    opener = null;
  });
  dialog.addEventListener("click", function (event) {
    if (event.target === dialog) closeDialog(); // a click on the backdrop
  });

  /* ---- one package on one target (check's cells, explain's verdict) -------- */

  function buildNodes(build) {
    var nodes = [];
    if (!build) return nodes;
    if (build.unknown) nodes.push(el("p", { className: "dim", text: "What the build needs is unknown: " + build.unknown }));
    var languages = build.languages.length ? build.languages.join(", ") : (build.backend ? "no compiler (pure Python)" : "");
    nodes.push(facts([
      ["build backend", build.backend ? build.backend + (build.build_backend ? " (" + build.build_backend + ")" : "") : ""],
      ["languages", languages],
      ["build tools", build.tools.join(", ")],
      ["build requires", build.requires.join(", ")]
    ]));
    if (build.evidence.length) {
      nodes.push(bullets(build.evidence.map(function (pair) { return pair[0] + ": " + pair[1]; }), "plain dim"));
    }
    if (build.optional_languages.length) {
      nodes.push(bullets(build.optional_languages.map(function (o) {
        return "optional: " + o.language + " (" + o.when + "), not used by a default build — " + o.evidence;
      })));
    }
    if (build.system_libraries.length) {
      nodes.push(el("p", { text: "System libraries:" }));
      nodes.push(el("ul", { className: "plain" }, build.system_libraries.map(function (lib) {
        var item = el("li", { text: lib.name + (lib.required ? "" : " (optional: used when found)") + " — " + lib.evidence });
        if (lib.install) item.appendChild(code(lib.install));
        return item;
      })));
    }
    if (build.advice.length) {
      nodes.push(el("p", { className: "toolchain-title", text: "To build it, install:" }));
      nodes.push(el("ul", { className: "plain toolchain" }, build.advice.map(function (line) { return el("li", { text: line }); })));
    }
    if (build.here) {
      nodes.push(el("p", { className: build.here.ok ? "ok" : "bad", text: (build.here.ok ? "✓ here: " : "✗ here: ") + build.here.detail }));
    }
    build.notes.forEach(function (note) { nodes.push(el("p", { className: "dim", text: "note: " + note })); });
    return nodes;
  }

  function installCommand(pkg) {
    if (!pkg.version || pkg.verdict === "missing" || pkg.verdict === "conflict") return null;
    if (pkg.verdict === "direct" && pkg.url) return "pip install '" + pkg.name + " @ " + pkg.url + "'";
    return "pip install '" + pkg.name + "==" + pkg.version + "'";
  }

  function packageNodes(pkg, target) {
    var nodes = [];
    var head = el("p", {}, [badge(pkg.verdict)]);
    if (pkg.yanked) head.appendChild(el("span", { className: "bad", text: " yanked" }));
    nodes.push(head);
    if (pkg.detail) nodes.push(el("p", { text: pkg.detail }));
    var file = pkg.file;
    if (file && pkg.url) file = el("a", { href: pkg.url, rel: "noreferrer", text: pkg.file });
    nodes.push(facts([
      ["target", target ? target.id + " (" + target.platform + ")" : ""],
      ["version", pkg.version || "none"],
      ["file", file],
      ["tag", pkg.tag],
      ["required by", pkg.required_by.join(", ")],
      ["source", pkg.source],
      ["metadata", pkg.metadata_source + (pkg.dependencies_known ? "" : " (dependencies unknown)")]
    ]));
    var command = installCommand(pkg);
    if (command) {
      nodes.push(el("p", { className: "dim", text: pkg.verdict === "build" || pkg.verdict === "direct" ? "pip builds it on this target with:" : "pip installs it on this target with:" }));
      nodes.push(code(command));
    }
    if (pkg.skipped_newer) nodes.push(el("p", { className: "dim", text: "Newer releases passed over: " + pkg.skipped_newer.oldest + (pkg.skipped_newer.newest !== pkg.skipped_newer.oldest ? " … " + pkg.skipped_newer.newest : "") + " — " + pkg.skipped_newer.why }));
    if (pkg.conflict.length) {
      nodes.push(el("p", { className: "bad", text: "Conflicting requirements:" }));
      nodes.push(bullets(pkg.conflict));
    }
    return nodes;
  }

  function fillPackage(body, pkg, target) {
    packageNodes(pkg, target).forEach(function (node) { body.appendChild(node); });
    var wheels = [];
    if (pkg.older_wheel) wheels.push(["newest older with a wheel", nearby(pkg.older_wheel)]);
    if (pkg.newer_wheel) wheels.push(["oldest newer with a wheel", nearby(pkg.newer_wheel)]);
    section(body, "Nearest wheels", [wheels.length ? facts(wheels) : null]);
    var build = el("div", { className: "build" });
    buildNodes(pkg.build).forEach(function (node) { build.appendChild(node); });
    section(body, "Building it from source", [pkg.build ? build : null]);
    section(body, "Known facts", [pkg.facts.length ? bullets(pkg.facts) : null]);
  }

  /* ---- check: coverage, filters, matrix ------------------------------------ */

  function renderCheck(data) {
    var targets = data.targets;
    var results = data.results;
    // A lock file lists packages, not requirements: count what it pins instead of "0".
    var counted = data.requirements.length, noun = "requirement";
    if (!counted) {
      var names = {};
      results.forEach(function (r) { r.packages.forEach(function (p) { names[p.name] = true; }); });
      counted = Object.keys(names).length;
      noun = "package";
    }
    byId("meta").textContent = metaLine(data, counted + " " + noun + (counted === 1 ? "" : "s") + " on " + targets.length + " target" + (targets.length === 1 ? "" : "s"));

    var legend = byId("legend");
    ORDER.concat(["none"]).forEach(function (name) {
      legend.appendChild(el("span", { className: "item" }, [glyph(name), " " + verdictOf(name).label]));
    });

    var coverage = byId("coverage");
    var problems = byId("coverage-title").parentNode;
    results.forEach(function (result) {
      var total = result.packages.length;
      var summary = result.summary;
      var wheels = (summary.binary || 0) + (summary.pure || 0);
      var bar = el("span", { className: "bar", role: "img", "aria-label": result.target + ": " + ORDER.filter(function (v) { return summary[v]; }).map(function (v) { return summary[v] + " " + verdictOf(v).label; }).join(", ") });
      ORDER.forEach(function (v) {
        if (!summary[v]) return;
        var part = el("span", { className: "v-" + v, title: summary[v] + " " + verdictOf(v).label });
        part.style.width = (100 * summary[v] / Math.max(total, 1)) + "%";
        bar.appendChild(part);
      });
      var percent = total ? Math.round(100 * wheels / total) : 100;
      var count = wheels + " of " + total + " from wheels (" + percent + "%)" + (result.resolvable ? "" : " — unresolvable");
      coverage.appendChild(el("li", { "data-target": result.target }, [
        el("span", { className: "target", text: result.target }), bar, el("span", { className: "count", text: count })
      ]));
    });
    results.forEach(function (result) {
      if (result.errors.length) problems.appendChild(bullets(result.errors.map(function (e) { return result.target + ": unresolvable: " + e; }), "problems"));
      if (result.notes.length) problems.appendChild(bullets(result.notes.map(function (n) { return result.target + ": note: " + n; }), "notes"));
    });

    var byTarget = results.map(function (result) {
      var map = {};
      result.packages.forEach(function (p) { map[p.name] = p; });
      return map;
    });
    var targetById = {};
    targets.forEach(function (t) { targetById[t.id] = t; });
    var names = {};
    results.forEach(function (result) { result.packages.forEach(function (p) { names[p.name] = true; }); });
    var sorted = Object.keys(names).sort();

    var present = ORDER.filter(function (v) { return results.some(function (r) { return r.summary[v]; }); });
    var verdictBoxes = byId("filter-verdicts");
    present.forEach(function (v) {
      var box = el("input", { type: "checkbox", value: v, checked: true, id: "verdict-" + v });
      verdictBoxes.appendChild(el("label", { className: "choice", "for": "verdict-" + v }, [box, " ", glyph(v), " " + verdictOf(v).label]));
    });
    var targetBoxes = byId("filter-targets");
    results.forEach(function (result, index) {
      var box = el("input", { type: "checkbox", value: String(index), checked: true, id: "target-" + index });
      targetBoxes.appendChild(el("label", { className: "choice", "for": "target-" + index }, [box, " " + result.target]));
    });

    var table = el("table", { className: "matrix", role: "grid", "aria-describedby": "matrix-help", "aria-rowcount": String(sorted.length + 1) });
    table.appendChild(el("caption", { className: "dim", text: "What pip install does for each package (rows) on each target (columns)" }));
    var headRow = el("tr", {}, [el("th", { scope: "col", text: "package" })]);
    results.forEach(function (result, index) {
      headRow.appendChild(el("th", { scope: "col", "data-col": String(index), text: result.target }));
    });
    table.appendChild(el("thead", {}, [headRow]));
    var body = el("tbody");
    var rows = sorted.map(function (name) {
      var row = el("tr", { "data-name": name }, [el("th", { scope: "row", text: name })]);
      var verdicts = [];
      results.forEach(function (result, index) {
        var pkg = byTarget[index][name];
        verdicts.push(pkg ? pkg.verdict : null);
        row.appendChild(el("td", { "data-col": String(index) }, [cellButton(pkg, name, result.target)]));
      });
      row.verdicts = verdicts;
      body.appendChild(row);
      return row;
    });
    table.appendChild(body);
    byId("matrix-wrap").appendChild(table);

    function cellButton(pkg, name, targetId) {
      var verdict = pkg ? pkg.verdict : "none";
      var text = pkg ? cellText(pkg) : "";
      var label = name + " on " + targetId + ": " + verdictOf(verdict).label + (pkg && pkg.version ? " " + pkg.version : "");
      var button = el("button", { type: "button", className: "cell v-" + verdict, tabindex: "-1", "aria-label": label, "data-verdict": verdict, "aria-haspopup": pkg ? "dialog" : null }, [glyph(verdict), text ? " " + text : null]);
      if (pkg && pkg.verdict === "build") button.appendChild(el("span", { className: "extra", text: buildSummary(pkg) }));
      if (pkg) {
        button.addEventListener("click", function () {
          openDialog(pkg.name + (pkg.version ? " " + pkg.version : "") + " on " + targetId, function (panel) {
            fillPackage(panel, pkg, targetById[targetId]);
          }, button);
        });
      } else {
        button.setAttribute("aria-disabled", "true");
      }
      return button;
    }

    function cellText(pkg) {
      switch (pkg.verdict) {
        case "binary":
        case "pure":
          return pkg.version || "";
        case "build":
          return (pkg.version || "") + " build";
        default:
          return verdictOf(pkg.verdict).label;
      }
    }

    function buildSummary(pkg) {
      var build = pkg.build;
      if (!build) return "";
      var parts = build.languages.length ? build.languages.join(", ") : (build.unknown ? "needs unknown" : "no compiler");
      return ": " + parts;
    }

    /* filtering */
    var nameInput = byId("filter-name");
    function checked(container) {
      return Array.prototype.filter.call(container.querySelectorAll("input[type=checkbox]"), function (box) { return box.checked; }).map(function (box) { return box.value; });
    }
    function applyFilters() {
      var verdicts = checked(verdictBoxes);
      var columns = checked(targetBoxes).map(Number);
      var query = nameInput.value.trim().toLowerCase().replace(/[-_.]+/g, "-");
      table.querySelectorAll("[data-col]").forEach(function (cellNode) {
        cellNode.hidden = columns.indexOf(Number(cellNode.getAttribute("data-col"))) < 0;
      });
      var shown = 0;
      rows.forEach(function (row) {
        var name = row.getAttribute("data-name");
        var matches = !query || name.indexOf(query) >= 0;
        var wanted = columns.some(function (col) { return row.verdicts[col] !== null && verdicts.indexOf(row.verdicts[col]) >= 0; });
        row.hidden = !(matches && wanted);
        if (!row.hidden) shown += 1;
      });
      byId("shown").textContent = "Showing " + shown + " of " + rows.length + " packages on " + columns.length + " of " + results.length + " targets.";
      resetRoving();
    }
    byId("filters").addEventListener("input", applyFilters);
    byId("filters").addEventListener("change", applyFilters);
    byId("filters").addEventListener("submit", function (event) { event.preventDefault(); });

    /* keyboard: one cell in the tab order, the arrows move it (a grid's roving tabindex) */
    function visibleCells(row) {
      return Array.prototype.filter.call(row.querySelectorAll("td"), function (td) { return !td.hidden; }).map(function (td) { return td.firstChild; });
    }
    function visibleRows() { return rows.filter(function (row) { return !row.hidden; }); }
    var current = null;
    function setCurrent(button, focus) {
      if (current) current.setAttribute("tabindex", "-1");
      current = button;
      if (!button) return;
      button.setAttribute("tabindex", "0");
      if (focus) button.focus();
    }
    function resetRoving() {
      if (current && current.offsetParent !== null && !current.closest("tr").hidden && !current.parentNode.hidden) return;
      var first = visibleRows()[0];
      setCurrent(first ? visibleCells(first)[0] || null : null, false);
    }
    table.addEventListener("focusin", function (event) {
      if (event.target.classList && event.target.classList.contains("cell")) setCurrent(event.target, false);
    });
    table.addEventListener("keydown", function (event) {
      var button = event.target;
      if (!button.classList || !button.classList.contains("cell")) return;
      var row = button.closest("tr");
      var shownRows = visibleRows();
      var r = shownRows.indexOf(row);
      var cells = visibleCells(row);
      var c = cells.indexOf(button);
      var next = null;
      switch (event.key) {
        case "ArrowRight": next = cells[c + 1]; break;
        case "ArrowLeft": next = cells[c - 1]; break;
        case "ArrowDown": next = shownRows[r + 1] ? visibleCells(shownRows[r + 1])[c] : null; break;
        case "ArrowUp": next = shownRows[r - 1] ? visibleCells(shownRows[r - 1])[c] : null; break;
        case "Home": next = event.ctrlKey ? visibleCells(shownRows[0])[0] : cells[0]; break;
        case "End": next = event.ctrlKey ? visibleCells(shownRows[shownRows.length - 1])[cells.length - 1] : cells[cells.length - 1]; break;
        case "PageDown": next = visibleCells(shownRows[Math.min(r + 10, shownRows.length - 1)])[c]; break;
        case "PageUp": next = visibleCells(shownRows[Math.max(r - 10, 0)])[c]; break;
        default: return;
      }
      event.preventDefault();
      if (next) setCurrent(next, true);
    });
    applyFilters();
  }

  /* ---- explain ------------------------------------------------------------ */

  function renderExplain(data) {
    var target = data.target;
    byId("meta").textContent = metaLine(data, data.requirement + " on " + target.id + " (" + target.platform + ")");
    var verdict = byId("verdict");
    var pkg = data["package"];
    if (!pkg) {
      verdict.appendChild(el("p", { text: data.why }));
    } else {
      var name = pkg.name;
      verdict.appendChild(el("p", { className: "headline" }, [glyph(pkg.verdict), pkg.version ? " pip picks " + name + " " + pkg.version + ": " + (pkg.file || "?") + " " : " " + name + ": nothing installs here ", badge(pkg.verdict)]));
      if (data.platform_gap) verdict.appendChild(el("p", { text: gapText(name, data.platform_gap) }));
      else if (data.other_platforms.length && pkg.version) verdict.appendChild(el("p", { text: name + " " + pkg.version + " has no wheel for this target; its wheels for this Python are for " + data.other_platforms.join(", ") }));
      verdict.appendChild(el("p", { className: "dim", text: data.why }));
      // the headline has the badge already
      packageNodes(pkg, target).slice(1).forEach(function (node) { verdict.appendChild(node); });
    }

    var files = byId("files");
    if (!data.files.length) {
      byId("files-section").hidden = true;
    } else {
      var table = el("table", {}, [el("caption", { className: "dim", text: "Every file of " + (pkg ? pkg.name + " " + (pkg.version || "") : data.requirement) + ", and whether it fits " + target.id })]);
      table.appendChild(el("thead", {}, [el("tr", {}, ["file", "fits", "tag (rank)", "why", "uploaded"].map(function (h) { return el("th", { scope: "col", text: h }); }))]));
      var tbody = el("tbody");
      data.files.forEach(function (f) {
        var fits = f.fits ? (f.chosen ? "→ pip's pick" : "✓ fits") : "✗ no";
        var why = f.fits ? (f.tag ? "fits: " + f.tag : "fits: sdist (a build)") : (f.reason ? f.reason + ": " : "") + f.detail;
        if (f.yanked) why += " (yanked: " + f.yanked + ")";
        tbody.appendChild(el("tr", { className: f.chosen ? "chosen" : null }, [
          el("th", { scope: "row", className: "mono", text: f.filename }),
          el("td", { className: f.fits ? "fits-yes" : "fits-no", text: fits }),
          el("td", { className: "mono", text: f.tag ? f.tag + (f.priority !== null ? " (" + f.priority + ")" : "") : "" }),
          el("td", { text: why }),
          el("td", { text: f.upload_time || "" })
        ]));
      });
      table.appendChild(tbody);
      files.appendChild(table);
    }

    var more = byId("explanation");
    section(more, "Newer versions pip passes over", [data.skipped.length ? bullets(data.skipped.map(function (s) {
      return (s.count === 1 ? s.newest : s.oldest + " … " + s.newest + " (" + s.count + " versions)") + ": " + s.why;
    })) : null]);
    section(more, "Versions with a wheel for this target", [facts([
      ["newest older", nearby(data.older_wheel) || "none"],
      ["oldest newer", nearby(data.newer_wheel) || "none"],
      ["first ever", nearby(data.first_wheel) || "none"]
    ])]);
    if (pkg && pkg.build) {
      var build = el("div", { className: "build" });
      buildNodes(pkg.build).forEach(function (node) { build.appendChild(node); });
      section(more, "Building it from source", [build]);
    }
    section(more, "Known facts", [pkg && pkg.facts.length ? bullets(pkg.facts) : null]);
    section(more, "Alternative", [data.emulation ? el("p", { text: data.emulation }) : null]);
    section(more, "Problems", [data.errors.length ? bullets(data.errors.map(function (e) { return "unresolvable: " + e; }), "problems") : null]);
    section(more, "Notes", [data.notes.length ? bullets(data.notes, "notes") : null]);
  }

  function gapText(name, gap) {
    var text = gap.after_cutoff
      ? "no " + name + " release before the --exclude-newer cutoff has a wheel for " + gap.platform + " (the first, " + gap.after_cutoff + ", came after it)"
      : "no " + name + " release has a wheel for " + gap.platform;
    if (gap.nearest.length) text += "; the nearest platform wheels are " + gap.nearest.join(", ") + " (" + name + " " + gap.version + ")";
    return text;
  }

  /* ---- doctor ------------------------------------------------------------- */

  function renderDoctor(data) {
    byId("meta").textContent = metaLine(data, data.interpreters.length + " interpreter" + (data.interpreters.length === 1 ? "" : "s") + (data.requirements.length ? ", checked for " + data.requirements.join(", ") : ""));
    var results = byId("results");
    if (!data.results.length) {
      byId("results-section").hidden = true;
    } else {
      var table = el("table", {}, [el("caption", { className: "dim", text: "Whether each interpreter installs the requirements" })]);
      table.appendChild(el("thead", {}, [el("tr", {}, ["interpreter", "outcome", "builds", "missing"].map(function (h) { return el("th", { scope: "col", text: h }); }))]));
      var tbody = el("tbody");
      data.results.forEach(function (r) {
        var verdict = r.missing.length || r.errors.length ? "missing" : (r.from_wheels ? "binary" : "build");
        var outcome = r.from_wheels ? "installs everything from wheels" : (r.can_install ? "installs, building from source" : "cannot install here");
        var builds = el("ul", { className: "plain" }, r.builds.map(function (b) {
          return el("li", { className: b.ok ? "ok" : "bad", text: (b.ok ? "✓ " : "✗ ") + b.name + (b.languages.length ? " (" + b.languages.join(", ") + ")" : "") + ": " + b.detail });
        }));
        tbody.appendChild(el("tr", { "data-interpreter": r.interpreter }, [
          el("th", { scope: "row", className: "mono", text: r.interpreter + " (" + r.target + ")" }),
          el("td", { className: "v-" + verdict }, [el("span", { className: "badge v-" + verdict }, [glyph(verdict), " " + outcome])]),
          el("td", {}, [builds]),
          el("td", { text: r.missing.concat(r.errors).join(", ") })
        ]));
      });
      table.appendChild(tbody);
      results.appendChild(table);
    }

    var interpreters = el("table", {}, [el("caption", { className: "dim", text: "Interpreters found on this machine; open one for its tags and markers" })]);
    interpreters.appendChild(el("thead", {}, [el("tr", {}, ["path", "version", "platform", "found as", "details"].map(function (h) { return el("th", { scope: "col", text: h }); }))]));
    var rows = el("tbody");
    data.interpreters.forEach(function (i) {
      var button = el("button", { type: "button", className: "close", "aria-haspopup": "dialog", text: "tags and markers", "aria-label": "tags and markers of " + i.path });
      button.addEventListener("click", function () {
        openDialog(i.path, function (panel) { fillInterpreter(panel, i); }, button);
      });
      rows.appendChild(el("tr", {}, [
        el("th", { scope: "row", className: "mono", text: i.path }),
        el("td", { text: i.error ? "error: " + i.error : (i.implementation || "") + " " + (i.version || "") + (i.free_threaded ? " (free-threaded)" : "") + (i.venv ? " (venv)" : "") }),
        el("td", { className: "mono", text: i.platform || i.arch || "" }),
        el("td", { text: i.sources.concat(i.labels).join(", ") }),
        el("td", {}, [button])
      ]));
    });
    interpreters.appendChild(rows);
    byId("interpreters").appendChild(interpreters);

    var chains = byId("toolchains");
    var tools = data.toolchains;
    chains.appendChild(tools.tools.length ? bullets(tools.tools.map(function (t) {
      return t.name + (t.version ? " " + t.version : "") + " — " + t.path + (t.detail ? " (" + t.detail + ")" : "");
    })) : el("p", { className: "bad", text: "no compiler or build tool found" }));
    if (tools.msvc.length) {
      chains.appendChild(el("h3", { text: "Visual Studio" }));
      chains.appendChild(bullets(tools.msvc.map(function (m) {
        return m.name + " " + m.version + ": x64 tools " + (m.x64_tools ? "yes" : "no") + ", ARM64 tools " + (m.arm64_tools ? "yes" : "no") + (m.windows_sdks.length ? ", SDKs " + m.windows_sdks.join(", ") : "");
      })));
    }
    if (tools.rust_targets.length) {
      chains.appendChild(el("h3", { text: "Rust targets" }));
      chains.appendChild(bullets(tools.rust_targets));
    }
    if (tools.notes.length) chains.appendChild(bullets(tools.notes, "notes"));
    if (data.notes.length) chains.appendChild(bullets(data.notes, "notes"));
  }

  function fillInterpreter(panel, i) {
    panel.appendChild(facts([
      ["executable", i.executable],
      ["prefix", i.prefix],
      ["target", i.target],
      ["architecture", i.arch],
      ["Python.h", i.headers ? (i.headers.python_h ? "yes, in " : "no, not in ") + i.headers.include_dir : ""],
      ["error", i.error]
    ]));
    section(panel, "Tags (first " + i.tags.length + " of " + i.tag_count + ")", [i.tags.length ? bullets(i.tags, "plain mono") : null]);
    var markers = Object.keys(i.environment).sort().map(function (key) { return [key, i.environment[key]]; });
    section(panel, "Environment markers", [markers.length ? facts(markers) : null]);
  }

  function metaLine(data, what) {
    var parts = [what, "wheelcast " + data.wheelcast, data.schema];
    if (data.exclude_newer) parts.splice(1, 0, "as of " + data.exclude_newer);
    return parts.join(" · ");
  }

  var data;
  try {
    data = JSON.parse(byId("wheelcast-data").textContent);
  } catch (error) {
    byId("main").appendChild(el("p", { className: "notice", text: "This report's data cannot be read: " + error }));
    return;
  }
  var kind = String(data.schema || "").split("/")[0];
  if (kind === "wheelcast.check") renderCheck(data);
  else if (kind === "wheelcast.explain") renderExplain(data);
  else if (kind === "wheelcast.doctor") renderDoctor(data);
  else byId("main").appendChild(el("p", { className: "notice", text: "Unknown report schema: " + data.schema }));
}());
