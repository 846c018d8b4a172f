/* Search of the site's notices, from disk or any host (see sitegen/outputs/search.py).
   Every index file is a script calling sitegenSearch.*: it is loaded with a <script>
   element, which a page opened from disk may do (it may not fetch). */
(function () {
  "use strict";
  var me = document.currentScript;
  var indexUrl = me.getAttribute("data-index");
  var base = indexUrl.replace(/index\.js$/, "");
  var root = me.getAttribute("data-home").replace(/index\.html$/, "");
  var PAGE = 10;
  var RUN = /[\p{L}\p{N}]+/gu;
  var waiting = {};
  var loaded = {};
  var manifest = null;
  var versions = {};  // segment -> its version, from the manifest

  function load(name) {
    if (loaded[name]) return loaded[name];
    loaded[name] = new Promise(function (resolve, reject) {
      waiting[name] = resolve;
      var script = document.createElement("script");
      var version = versions[name.split("/")[0]];
      script.src = base + name + (version ? "?v=" + version : "");
      script.onerror = function () { reject(new Error(name)); };
      document.head.appendChild(script);
    });
    return loaded[name];
  }

  window.sitegenSearch = {
    index: function (data) { waiting["index.js"](data); },
    terms: function (segment, shard, data) { waiting[segment + "/t" + shard + ".js"](data); },
    docs: function (segment, block, rows) { waiting[segment + "/d" + block + ".js"](rows); }
  };

  /* Full-width letters, digits and signs as ASCII, in lower case (as search.py folds). */
  function normalize(text) {
    return text.replace(/[\uff01-\uff5e]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).replace(/\u3000/g, " ").toLowerCase();
  }

  function bigramsOf(term) {
    var found = [];
    (normalize(term).match(RUN) || []).forEach(function (run) {
      var chars = Array.from(run);
      for (var i = 0; i + 1 < chars.length; i++) found.push(chars[i] + chars[i + 1]);
    });
    return found;
  }

  function shardOf(bigram, shards) {
    var chars = Array.from(bigram);
    var first = chars[0].codePointAt(0), second = chars[1].codePointAt(0);
    return (((Math.imul(first, 2654435761) >>> 0) ^ second) >>> 0) % shards;
  }

  function undelta(list) {
    var out = [], at = 0;
    for (var i = 0; i < list.length; i++) { at += list[i]; out.push(at); }
    return out;
  }

  /* The documents of one segment holding every bigram, and those holding every one in
     their title. */
  function candidates(segment, shardsCount, grams) {
    var names = grams.map(function (g) { return segment + "/t" + shardOf(g, shardsCount) + ".js"; });
    return Promise.all(names.map(load)).then(function (shards) {
      var all = null, titled = null;
      grams.forEach(function (gram, i) {
        var postings = shards[i][gram];
        var inTitle = postings ? undelta(postings[0]) : [];
        var inAny = postings ? new Set(inTitle.concat(undelta(postings[1]))) : new Set();
        all = all === null ? inAny : new Set(Array.from(all).filter(function (d) { return inAny.has(d); }));
        var titleSet = new Set(inTitle);
        titled = titled === null ? titleSet : new Set(Array.from(titled).filter(function (d) { return titleSet.has(d); }));
      });
      return { all: all || new Set(), titled: titled || new Set() };
    });
  }

  /* A normalised copy of `text` and, for each of its characters, where it came from. */
  function mapped(text) {
    var out = "", from = [], chars = Array.from(text), at = 0;
    chars.forEach(function (char) {
      var n = normalize(char);
      for (var i = 0; i < n.length; i++) from.push(at);
      out += n;
      at += char.length;
    });
    from.push(at);
    return { text: out, from: from };
  }

  function highlight(parent, text, terms) {
    var m = mapped(text), marks = [];
    terms.forEach(function (term) {
      var at = m.text.indexOf(term);
      while (at >= 0) {
        marks.push([m.from[at], m.from[at + term.length]]);
        at = m.text.indexOf(term, at + term.length);
      }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var last = 0;
    marks.forEach(function (mark) {
      if (mark[0] < last) return;
      parent.appendChild(document.createTextNode(text.slice(last, mark[0])));
      var strong = document.createElement("mark");
      strong.textContent = text.slice(mark[0], mark[1]);
      parent.appendChild(strong);
      last = mark[1];
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function snippet(text, terms) {
    var m = mapped(text), first = -1;
    terms.forEach(function (term) {
      var at = m.text.indexOf(term);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    });
    var start = first < 0 ? 0 : Math.max(0, m.from[first] - 30);
    var cut = text.slice(start, start + 110);
    return (start > 0 ? "…" : "") + cut + (start + 110 < text.length ? "…" : "");
  }

  function confirmed(row, terms) {
    var haystack = normalize(row[1]) + "\n" + normalize(row[5]);
    return terms.every(function (term) { return haystack.indexOf(term) >= 0; });
  }

  function dateText(day) {
    var p = day.split("-");
    return p[0] + "年" + Number(p[1]) + "月" + Number(p[2]) + "日";
  }

  function resultItem(row, terms) {
    var item = document.createElement("li");
    var heading = document.createElement("h2");
    var link = document.createElement("a");
    link.href = root + row[0];
    highlight(link, row[1], terms);
    heading.appendChild(link);
    item.appendChild(heading);
    var meta = document.createElement("p");
    meta.className = "search-meta";
    var parts = [];
    if (row[2]) parts.push(dateText(row[2]));
    var names = row[3].map(function (slug) {
      return Object.prototype.hasOwnProperty.call(manifest.communities, slug) ? manifest.communities[slug] : slug;
    });
    if (row[2]) parts.push(names.length ? names.join("、") : "各社区");
    meta.textContent = parts.join(" · ");
    if (row[4] !== null && row[4] <= Date.now()) {
      var expired = document.createElement("span");
      expired.className = "badge badge-expired";
      expired.textContent = "已过期";
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(expired);
    }
    item.appendChild(meta);
    var text = document.createElement("p");
    text.className = "snippet";
    highlight(text, snippet(row[5], terms), terms);
    item.appendChild(text);
    return item;
  }

  function search(query) {
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var more = document.getElementById("search-more");
    var terms = normalize(query).split(/\s+/).filter(Boolean);
    var grams = [];
    terms.forEach(function (term) { bigramsOf(term).forEach(function (g) { if (grams.indexOf(g) < 0) grams.push(g); }); });
    if (!terms.length) return;
    if (!grams.length) { status.textContent = "请至少输入两个字，例如“停水”。"; return; }
    status.textContent = "正在搜索…";
    load("index.js").then(function (data) {
      manifest = data;
      data.segments.forEach(function (s) { versions[s[0]] = s[3]; });
      return Promise.all(data.segments.map(function (s) { return candidates(s[0], s[2], grams); }));
    }).then(function (found) {
      var ranked = [];
      manifest.segments.forEach(function (s, place) {
        found[place].all.forEach(function (doc) {
          ranked.push({ segment: s[0], place: place, doc: doc, title: found[place].titled.has(doc) });
        });
      });
      ranked.sort(function (a, b) {
        return (b.title - a.title) || (a.place - b.place) || (b.doc - a.doc);
      });
      var exact = terms.every(function (t) { return Array.from(t).length === 2 && bigramsOf(t).length === 1; });
      var shown = 0, next = 0, rejected = 0;
      list.textContent = "";

      function say() {
        var total = ranked.length - rejected;
        if (!total && next >= ranked.length) { status.textContent = "没有找到含“" + query + "”的通知。"; return; }
        var sure = exact || next >= ranked.length;
        status.textContent = (sure ? "找到 " : "找到约 ") + total + " 条含“" + query + "”的结果" + (shown < total ? "，显示前 " + shown + " 条。" : "。");
      }

      function page() {
        var batch = ranked.slice(next, next + PAGE * 2);
        return Promise.all(batch.map(function (c) {
          return load(c.segment + "/d" + Math.floor(c.doc / manifest.block) + ".js");
        })).then(function (blocks) {
          var added = 0;
          for (var i = 0; i < batch.length && added < PAGE; i++) {
            next++;
            var row = blocks[i][batch[i].doc % manifest.block];
            // (no row: a file of an older index, kept by a cache, beside a newer one)
            if (!row || !confirmed(row, terms)) { rejected++; continue; }
            list.appendChild(resultItem(row, terms));
            shown++;
            added++;
          }
          if (added < PAGE && next < ranked.length) return page();
          more.hidden = next >= ranked.length;
          say();
        });
      }
      more.onclick = function () { more.hidden = true; page().catch(failed); };
      return page();
    }).catch(failed);

    function failed() {
      status.textContent = "搜索索引未能载入，请稍后再试，或在往期归档中查找。";
    }
  }

  function start() {
    var query = new URLSearchParams(location.search).get("q") || "";
    var box = document.getElementById("search-q");
    box.value = query;
    var header = document.getElementById("site-search-q");
    if (header) header.value = query;
    if (query.trim()) search(query.trim());
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
