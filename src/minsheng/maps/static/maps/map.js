/* 民生地图: a plan's boundaries (GeoJSON, GCJ-02) drawn by ECharts' geo component and its sites
   as points coloured by status. No tiles, no network beyond this server.
   Markup: <div class="map" data-config="ID-of-json_script"> plus optional selects
   [data-map-filter="category|unit"] inside the same [data-map-root]. */
(function () {
  "use strict";

  function init(root) {
    var el = root.querySelector(".map-canvas");
    var config = JSON.parse(document.getElementById(el.dataset.config).textContent);
    var colors = {};
    config.legend.forEach(function (l) { colors[l.status] = l.color; });
    var chart = echarts.init(el, null, {renderer: "canvas"});
    var filters = root.querySelectorAll("[data-map-filter]");

    function shown() {
      var want = {};
      filters.forEach(function (f) { if (f.value) want[f.dataset.mapFilter] = f.value; });
      return config.points.filter(function (p) {
        if (want.category && p.category !== want.category) return false;
        if (want.unit && p.units.indexOf(want.unit) < 0) return false;
        return true;
      });
    }

    function draw() {
      var points = shown();
      var count = root.querySelector("[data-map-count]");
      if (count) count.textContent = points.length;
      var list = root.querySelectorAll("[data-site-row]");
      var names = {};
      points.forEach(function (p) { names[p.name] = true; });
      list.forEach(function (row) { row.hidden = !names[row.dataset.siteRow]; });
      chart.setOption({
        animation: false,  // a wall screen redraws on every filter; no half-faded points in between
        tooltip: {
          trigger: "item",
          formatter: function (p) {
            if (!p.data || !p.data.project) return p.name;
            var esc = function (s) { var d = document.createElement("div"); d.textContent = s; return d.innerHTML; };
            return esc(p.data.name) + "<br>" + esc(p.data.project) + "<br>" + esc(p.data.status_label) +
              " · " + p.data.percent + "%" + (p.data.report_gap_label ? " · " + esc(p.data.report_gap_label) : "");
          }
        },
        geo: {
          map: config.map_name, roam: true, aspectScale: 0.85,
          label: {show: config.labels !== false, color: "#333", fontSize: 11},
          itemStyle: {areaColor: "#eef2f6", borderColor: "#5b6b7b", borderWidth: 1},
          emphasis: {itemStyle: {areaColor: "#dde6ef"}, label: {color: "#000"}}
        },
        series: [{
          type: "scatter", coordinateSystem: "geo", symbolSize: 11,
          data: points.map(function (p) {
            return Object.assign({}, p, {itemStyle: {color: colors[p.status], borderColor: "#fff", borderWidth: 1}});
          })
        }]
      }, {replaceMerge: ["series"]});
    }

    fetch(config.boundary_url).then(function (r) { return r.json(); }).then(function (geojson) {
      echarts.registerMap(config.map_name, geojson);
      draw();
      root.classList.add("map-ready");
    });
    chart.on("click", function (p) { if (p.data && p.data.url) window.location.href = p.data.url; });
    filters.forEach(function (f) { f.addEventListener("change", draw); });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-map-root]").forEach(init);
  });
})();
