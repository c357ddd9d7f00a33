/* Cockpit charts (ECharts, served by this app). Every bar and slice carries the URL of the
   projects behind it: clicking drills down to the progress overview filtered the same way. */
(function () {
  "use strict";
  var BRAND = "#0b5cad", GREY = "#98a2b3", WARN = "#b54708";

  function bars(rows, horizontal) {
    var names = rows.map(function (r) { return r.name; });
    var cat = {type: "category", data: names, axisLabel: {interval: 0, width: 110, overflow: "truncate"}};
    var val = {type: "value", max: 100, axisLabel: {formatter: "{value}%"}};
    return {
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      grid: {left: horizontal ? 120 : 40, right: 20, top: 20, bottom: horizontal ? 20 : 70, containLabel: false},
      xAxis: horizontal ? val : Object.assign(cat, {axisLabel: {interval: 0, rotate: 35, width: 90, overflow: "truncate"}}),
      yAxis: horizontal ? Object.assign(cat, {inverse: true}) : val,
      series: [{type: "bar", data: rows.map(function (r) {
        // Amber when at least half of the group lags: the eye goes to where the trouble is.
        return {value: r.percent, url: r.url, itemStyle: {color: r.lagging * 2 >= r.count && r.count ? WARN : BRAND}};
      }), label: {show: true, position: horizontal ? "right" : "top", formatter: "{c}%"}}]
    };
  }

  var builders = {
    status: function (d) {
      return {
        tooltip: {trigger: "item", formatter: "{b}: {c} ({d}%)"},
        legend: {bottom: 0, type: "scroll"},
        series: [{type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
          data: d.status.map(function (s) { return {name: s.name, value: s.value, url: s.url, itemStyle: {color: s.color}}; }),
          label: {formatter: "{b}\n{c}"}}]
      };
    },
    category: function (d) { return bars(d.category, false); },
    unit: function (d) { return bars(d.unit, true); },
    district: function (d) { return bars(d.district, false); },
    timeline: function (d) {
      var t = d.timeline, L = d.labels;
      return {
        tooltip: {trigger: "axis", valueFormatter: function (v) { return v + "%"; }},
        legend: {data: [L.actual, L.expected], bottom: 0},
        grid: {left: 45, right: 20, top: 20, bottom: 50},
        xAxis: {type: "category", data: t.months}, yAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
        series: [
          {name: L.actual, type: "line", data: t.actual, itemStyle: {color: BRAND}, lineStyle: {width: 3}},
          {name: L.expected, type: "line", data: t.expected, itemStyle: {color: GREY}, lineStyle: {type: "dashed"}}
        ]
      };
    },
    funds: function (d) {
      var rows = d.funds.rows, L = d.labels;
      return {
        tooltip: {trigger: "axis"}, legend: {data: [L.planned, L.spent], bottom: 0},
        grid: {left: 60, right: 20, top: 20, bottom: 90},
        xAxis: {type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: {interval: 0, rotate: 35, width: 90, overflow: "truncate"}},
        yAxis: {type: "value"},
        series: [
          {name: L.planned, type: "bar", itemStyle: {color: GREY}, data: rows.map(function (r) { return {value: r.planned, url: r.url}; })},
          {name: L.spent, type: "bar", itemStyle: {color: BRAND}, data: rows.map(function (r) { return {value: r.spent, url: r.url}; })}
        ]
      };
    },
    appeals: function (d) {
      var rows = d.appeals.rows, L = d.labels;
      var names = rows.map(function (r) { return r.name; });
      function s(name, key, color) {
        return {name: name, type: "bar", itemStyle: {color: color}, data: rows.map(function (r) { return r[key]; })};
      }
      return {
        tooltip: {trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; }},
        legend: {bottom: 0}, grid: {left: 45, right: 20, top: 20, bottom: 80},
        xAxis: {type: "category", data: names, axisLabel: {interval: 0, rotate: 35}},
        yAxis: {type: "value", max: 100},
        series: [s(L.response, "response", "#56B4E9"), s(L.resolution, "resolution", BRAND),
                 s(L.satisfaction, "satisfaction", "#009E73")]
      };
    }
  };

  document.addEventListener("DOMContentLoaded", function () {
    var data = JSON.parse(document.getElementById("cockpit-data").textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var build = builders[el.dataset.chart];
      if (!build) return;
      var chart = echarts.init(el);
      chart.setOption(Object.assign({animation: false}, build(data)));
      chart.on("click", function (p) { if (p.data && p.data.url) window.location.href = p.data.url; });
      el.dataset.ready = "1";
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
