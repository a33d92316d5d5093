// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Choosing a province reloads the catalogue with that province's wards in the next list.
  const province = document.querySelector("#catalogue-filter select[name=tinh]");
  if (province) {
    province.addEventListener("change", () => {
      const ward = province.form.querySelector("select[name=co_quan]");
      if (ward) ward.value = "";
      province.form.submit();
    });
  }
});
