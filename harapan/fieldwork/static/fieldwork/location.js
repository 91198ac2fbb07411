// The activity form's "Gunakan lokasi saya": with a script and a browser that knows where it
// is, the location field gets "lat,long" from the phone; without them the field stays typed.
(function () {
  "use strict";
  function start() {
    var button = document.getElementById("use-location");
    var field = document.getElementById("id_location");
    if (!button || !field || !navigator.geolocation) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        field.value = position.coords.latitude.toFixed(6) + "," +
          position.coords.longitude.toFixed(6);
        button.disabled = false;
      }, function () {
        button.disabled = false;
        field.placeholder = button.getAttribute("data-failed");
      }, {enableHighAccuracy: true, timeout: 15000});
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
