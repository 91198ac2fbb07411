// The desa picker of the public complaint form, better with a script: choosing a
// kabupaten or kecamatan fills the next list from /pengaduan/wilayah/ at once, and the
// "Tampilkan …" buttons (the way without a script) are hidden.
(function () {
  "use strict";
  function start() {
    var box = document.querySelector(".region-picker");
    if (!box || !window.fetch) { return; }
    var url = box.getAttribute("data-wilayah-url");
    var kabupaten = document.getElementById("id_kabupaten");
    var kecamatan = document.getElementById("id_kecamatan");
    var desa = document.getElementById("id_desa");
    function reset(select) {
      while (select.options.length > 1) { select.remove(1); }
      select.value = "";
    }
    function fill(select, parent) {
      reset(select);
      if (!parent) { return; }
      fetch(url + "?induk=" + encodeURIComponent(parent), {headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {wilayah: []}; })
        .then(function (body) {
          body.wilayah.forEach(function (region) {
            select.add(new Option(region.nama, region.kode));
          });
        });
    }
    kabupaten.addEventListener("change", function () { reset(desa); fill(kecamatan, kabupaten.value); });
    kecamatan.addEventListener("change", function () { fill(desa, kecamatan.value); });
    document.documentElement.classList.add("js-regions");
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
