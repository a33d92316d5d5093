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

document.addEventListener("DOMContentLoaded", () => {
  // Type to narrow a long <select> of agencies ("long bien" finds "Phường Long Biên").
  const fold = (text) =>
    text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  document.querySelectorAll("[data-filter-select]").forEach((input) => {
    const select = document.getElementById(input.dataset.filterSelect);
    if (!select) return;
    input.addEventListener("input", () => {
      const words = fold(input.value).split(/\s+/).filter(Boolean);
      let firstMatch = null;
      for (const option of select.options) {
        if (!option.value) continue;
        const text = fold(option.textContent);
        const match = words.every((word) => text.includes(word));
        option.hidden = !match;
        if (match && !firstMatch) firstMatch = option;
      }
      if (firstMatch && (select.selectedOptions[0]?.hidden || !select.value)) {
        select.value = firstMatch.value;
      }
    });
  });

  // A second click on "Gửi thông tin" while the first is on its way does nothing. (The server
  // also refuses to create a second dossier from the same draft.)
  document.querySelectorAll("button[data-once]").forEach((button) => {
    button.form.addEventListener("submit", () => {
      setTimeout(() => { button.disabled = true; }, 0);
    });
  });
});

document.addEventListener("DOMContentLoaded", () => {
  // "Đổi mã khác": ask django-simple-captcha for a new image without reloading the page.
  document.querySelectorAll("[data-captcha-refresh]").forEach((button) => {
    button.addEventListener("click", async () => {
      const field = button.closest(".captcha-field");
      const response = await fetch(button.dataset.captchaRefresh, {
        headers: { "X-Requested-With": "XMLHttpRequest" },
      });
      if (!response.ok) return;
      const data = await response.json();
      field.querySelector("img.captcha").src = data.image_url;
      field.querySelector("input[name$='_0']").value = data.key;
      const answer = field.querySelector("input[name$='_1']");
      answer.value = "";
      answer.focus();
    });
  });
});
