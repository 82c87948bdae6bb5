/* kg contested-figure chart: every figure of a disputed quantity (Chart.js), against the date
 * it was published, coloured by the independent origin it rests on.
 *
 * The data is the page's JSON script tag: the same dict the table is rendered from and the
 * .json twin serves. Text from the data is only drawn on the canvas (Chart.js draws its
 * tooltips there) or set with textContent; no eval, no inline script or style (the page runs
 * under a strict CSP). Marks: a point for a figure, a bar for a range, a bound with an arrow
 * for an open interval (at least / at most), linked diamonds for alternatives, and a thin
 * span for a publication date known only to the year or month. On a right-to-left page the
 * chart is mirrored (time runs leftwards, the scale on the right) and its years are Solar
 * Hijri years, marked at Nowruz; its words come in the page's boot block (i18n.js).
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("figure-data").textContent);
  var t = window.kgI18n(JSON.parse(document.getElementById("figure-boot").textContent));
  var _ = t._;
  // Nowruz (1 Farvardin) falls on 20 or 21 March: about 0.216 of the Gregorian year.
  var NOWRUZ = 79 / 365.25, HIJRI_OFFSET = 621;
  var canvas = document.getElementById("figure-chart");
  var css = getComputedStyle(document.documentElement);
  var DAY = 1 / 365.25;

  function colour(i) { return css.getPropertyValue("--o" + (i % 12)).trim() || "#475569"; }
  var SEVERAL = css.getPropertyValue("--several").trim() || "#1d2330";

  function decimalYear(iso) {
    var d = Date.parse(iso + "T00:00:00Z");
    var y = new Date(d).getUTCFullYear();
    var start = Date.UTC(y, 0, 1), end = Date.UTC(y + 1, 0, 1);
    return y + (d - start) / (end - start);
  }
  function numbers(f) {
    return [f.value, f.low, f.high].concat(f.alternatives).filter(function (v) {
      return v !== null && v !== undefined;
    });
  }

  // Where each dated figure goes on the time axis: the middle of its publication date's span;
  // figures published on the same date are spread a little so none hides another.
  var marks = [];
  data.figures.forEach(function (f, i) {
    if (!f.published) { return; }
    var lo = decimalYear(f.published.earliest), hi = decimalYear(f.published.latest) + DAY;
    marks.push({fig: i, f: f, lo: lo, hi: hi, x: (lo + hi) / 2});
  });
  if (!marks.length) { return; }
  var xMin = Math.min.apply(null, marks.map(function (m) { return m.lo; }));
  var xMax = Math.max.apply(null, marks.map(function (m) { return m.hi; }));
  var spread = Math.max(0.08, (xMax - xMin) * 0.008);
  var sameDate = {};
  marks.forEach(function (m) { (sameDate[m.x.toFixed(3)] = sameDate[m.x.toFixed(3)] || []).push(m); });
  Object.keys(sameDate).forEach(function (k) {
    var group = sameDate[k];
    group.forEach(function (m, i) { m.x += (i - (group.length - 1) / 2) * spread; });
  });

  var all = [];
  marks.forEach(function (m) { all = all.concat(numbers(m.f)); });
  var yLo = Math.min.apply(null, all), yHi = Math.max.apply(null, all);
  var log = yLo > 0 && yHi / yLo >= 10;
  var linearStep = (yHi - yLo || yHi || 1) * 0.1;
  function above(v) { return log ? v * 1.4 : v + linearStep; }
  function below(v) { return log ? v / 1.4 : Math.max(0, v - linearStep); }

  // One dataset per independent origin (and one for figures combining several): points
  // joined within a figure, a gap between figures.
  var sets = {};
  function datasetFor(f) {
    var several = f.witnesses.length !== 1;
    var key = several ? "several" : String(f.witnesses[0]);
    if (!sets[key]) {
      var c = several ? SEVERAL : colour(f.witnesses[0]);
      sets[key] = {
        label: several ? _("several origins") : data.witnesses[f.witnesses[0]].label,
        data: [], borderColor: c, backgroundColor: c, pointBorderColor: c,
        pointBackgroundColor: function (ctx) {
          return ctx.raw && ctx.raw.role === "alt" ? "#ffffff" : c;
        },
        showLine: true, spanGaps: false, borderWidth: 3,
        pointStyle: function (ctx) { return ctx.raw && ctx.raw.style; },
        rotation: function (ctx) { return ctx.raw && ctx.raw.rotation || 0; },
        pointRadius: function (ctx) { return ctx.raw && ctx.raw.radius || 0; },
        pointHoverRadius: function (ctx) { return ctx.raw && ctx.raw.radius ? ctx.raw.radius + 2 : 0; },
        pointHitRadius: 6,
        pointBorderWidth: 2,
        segment: {
          borderDash: function (ctx) {
            var ds = ctx.chart.data.datasets[ctx.datasetIndex];
            var role = ds.data[ctx.p1DataIndex].role;
            return role === "up" || role === "down" ? [5, 4] : role === "alt" ? [2, 3] : undefined;
          },
          borderWidth: function (ctx) {
            var ds = ctx.chart.data.datasets[ctx.datasetIndex];
            return ds.data[ctx.p1DataIndex].role === "end" ? 4 : 2;
          }
        }
      };
    }
    return sets[key];
  }
  var STYLE = {
    value: {style: "circle", radius: 6}, end: {style: "line", radius: 8},
    bound: {style: "line", radius: 8}, up: {style: "triangle", radius: 7},
    down: {style: "triangle", radius: 7, rotation: 180}, alt: {style: "rectRot", radius: 6}
  };
  function point(m, y, role) {
    var s = STYLE[role];
    return {x: m.x, y: y, fig: m.fig, role: role, style: s.style, radius: s.radius,
            rotation: s.rotation || 0};
  }
  marks.forEach(function (m) {
    var f = m.f, pts;
    if (f.shape === "range") { pts = [point(m, f.low, "end"), point(m, f.high, "end")]; }
    else if (f.shape === "lower") { pts = [point(m, f.low, "bound"), point(m, above(f.low), "up")]; }
    else if (f.shape === "upper") { pts = [point(m, f.high, "bound"), point(m, below(f.high), "down")]; }
    else if (f.shape === "alternatives") {
      pts = f.alternatives.map(function (a) { return point(m, a, "alt"); });
    } else { pts = [point(m, f.value, "value")]; }
    var ds = datasetFor(f);
    pts.forEach(function (p) { ds.data.push(p); });
    ds.data.push({x: m.x, y: null});
    m.anchor = pts[0].y;
    m.colour = ds.borderColor;
  });

  // A publication date known only to the year or month: a thin span across it.
  var dateSpans = {
    id: "kgDateSpans",
    beforeDatasetsDraw: function (chart) {
      var ctx = chart.ctx, xs = chart.scales.x, ys = chart.scales.y;
      ctx.save();
      ctx.lineWidth = 1.5;
      marks.forEach(function (m) {
        if (m.hi - m.lo < 40 * DAY) { return; }
        var y = ys.getPixelForValue(m.anchor), a = xs.getPixelForValue(m.lo), b = xs.getPixelForValue(m.hi);
        ctx.strokeStyle = m.colour;
        ctx.globalAlpha = 0.55;
        ctx.beginPath();
        ctx.moveTo(a, y); ctx.lineTo(b, y);
        ctx.moveTo(a, y - 4); ctx.lineTo(a, y + 4);
        ctx.moveTo(b, y - 4); ctx.lineTo(b, y + 4);
        ctx.stroke();
      });
      ctx.restore();
    }
  };

  function format(v) { return t.num(Number(v)); }
  function lines(f) {
    var kind = f.countKind ? f.countKind + (f.shape === "point" ? "" : " — " + f.shapeText) : f.shapeText;
    var out = [kind + (f.inferred ? " " + _("(inferred by the editors)") : "")];
    if (f.published) {
      var when = f.published.text + (f.published.inferred ? " " + _("(inferred)") : "");
      out.push(f.publication ? _("Published {date} in {publication}",
                                 {date: when, publication: t.isolated(f.publication.label)})
                             : _("Published {date}", {date: when}));
    }
    out.push(_("Status: {status}", {status: f.status || _("none")}));
    out.push(_("Grading: {grading}", {grading: f.grading ? f.grading.code + " (" + (f.grading.reliability || "?") +
      "; " + (f.grading.credibility || "?") + ")" : _("not graded")}));
    out.push(_("Origin: {origin}", {origin: f.originText}));
    out.push(f.originsText);
    return out;
  }
  // Year ticks: Gregorian years at 1 January, or on a right-to-left (Persian) page Solar
  // Hijri years at Nowruz.
  function yearTicks(axis) {
    var ticks = [];
    for (var y = Math.ceil(axis.min - (t.rtl ? NOWRUZ : 0)); y <= axis.max; y += 1) {
      var v = t.rtl ? y + NOWRUZ : y;
      if (v >= axis.min && v <= axis.max) { ticks.push({value: v}); }
    }
    var step = Math.ceil(ticks.length / 12);
    axis.ticks = ticks.filter(function (tick, i) { return i % step === 0; });
  }
  function yearLabel(v) {
    return t.rtl ? t.digits(String(Math.round(v - NOWRUZ) - HIJRI_OFFSET)) : String(Math.round(v));
  }

  var chart = new Chart(canvas, {
    type: "scatter",
    data: {datasets: Object.keys(sets).map(function (k) { return sets[k]; })},
    plugins: [dateSpans],
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      interaction: {mode: "nearest", intersect: true},
      scales: {
        x: {
          type: "linear", min: Math.floor(xMin) - 1, max: Math.ceil(xMax) + 1, reverse: t.rtl,
          title: {display: true, text: t.rtl ? _("Published (Solar Hijri years)") : _("Published")},
          afterBuildTicks: yearTicks,
          ticks: {callback: yearLabel}
        },
        y: {
          type: log ? "logarithmic" : "linear", position: t.rtl ? "right" : "left",
          // A logarithmic axis gets its own bounds (its labels are kept to 1, 2 and 5 times
          // a power of ten); a linear one starts at zero and picks a round top.
          min: log ? below(yLo) / 1.15 : undefined,
          max: log ? above(yHi) * 1.15 : undefined,
          beginAtZero: !log, grace: log ? 0 : "5%",
          title: {display: true, text: data.counted.label},
          ticks: {
            callback: function (v) {
              if (!log) { return format(v); }
              var lead = v / Math.pow(10, Math.floor(Math.log10(v)) );
              return [1, 2, 5].some(function (d) { return Math.abs(lead - d) < 1e-6; }) ? format(v) : "";
            }
          }
        }
      },
      plugins: {
        legend: {display: false},
        tooltip: {
          rtl: t.rtl, textDirection: t.rtl ? "rtl" : "ltr",
          filter: function (item) { return item.raw && item.raw.fig !== undefined && item.raw.y !== null; },
          callbacks: {
            title: function (items) {
              var f = data.figures[items[0].raw.fig];
              return f.text + " — " + f.claimantText;
            },
            label: function (item) { return lines(data.figures[item.raw.fig]); }
          }
        }
      },
      onClick: function (evt, elements) {
        if (!elements.length) { return; }
        var raw = chart.data.datasets[elements[0].datasetIndex].data[elements[0].index];
        if (raw && raw.fig !== undefined) { window.location.hash = data.figures[raw.fig].id; }
      }
    }
  });

  window.kgFigure = {chart: chart, marks: marks.length, logarithmic: log};
}());
