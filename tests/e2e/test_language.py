"""The language menu in a real browser: the workspace turns Russian, and long Russian words keep the layout.

Screenshots (ru-*.png under var/screenshots) are for a person to look at; the test itself checks that no page
scrolls sideways and that no button, badge or header link spills out of its box.
"""

from __future__ import annotations

from typing import Any

import pytest
from after_selection import PASSWORD, campaign_with_selected
from browser import shot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

#: Elements whose text must fit their box (tables may scroll inside their own wrapper; these may not).
_SPILLS = """() => {
  const out = [];
  for (const el of document.querySelectorAll("button, a.button, .badge, nav.sections a, h1, h2, label, th")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0) continue;
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible") {
      out.push(el.tagName + ": " + el.innerText.slice(0, 60));
    }
  }
  return out;
}"""


def _choose_language(page: Any, code: str) -> None:
    with page.expect_navigation():
        page.select_option("header form.lang select", code)  # cadre.js submits the form on change
    page.wait_for_load_state("networkidle")


def _check_layout(page: Any, where: str) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{where} scrolls sideways: {width}"
    assert page.evaluate(_SPILLS) == [], where


def test_the_language_menu_turns_the_workspace_russian(page: Any) -> None:
    campaign, _units, _people, _files = campaign_with_selected(3)
    sign_in(page, "director", PASSWORD)
    assert "Welcome, director" in page.inner_text("h1")

    _choose_language(page, "ru")
    assert page.get_attribute("html", "lang") == "ru"
    assert "Добро пожаловать, director" in page.inner_text("h1")
    header = page.inner_text("header.top")
    for label in ("Главная", "Кампании", "Табло квот", "Окончательный отбор", "Распределение", "Выйти"):
        assert label in header, label
    assert "руководитель кампании" in page.inner_text("main")
    _check_layout(page, "home")
    shot(page, "ru-home")

    pages = {
        "campaign": f"/campaigns/{campaign.slug}/",
        "figures": f"/campaigns/{campaign.slug}/figures/",
        "quota-board": "/files/quota-board/",
        "selection": "/files/selection/",
        "plan": "/placement/plan/",
        "dispatch": "/placement/dispatch/",
        "analytics": "/analytics/",
        "import": "/imports/",
        "audit": "/audit/",
        "tokens": "/api/tokens/",
    }
    for name, url in pages.items():
        response = page.goto(url)
        assert response is not None
        assert response.status == 200, (name, url, response.status)
        assert page.get_attribute("html", "lang") == "ru"
        _check_layout(page, name)
        shot(page, f"ru-{name}")

    # A narrow window: the header wraps, nothing spills.
    page.set_viewport_size({"width": 820, "height": 900})
    for name in ("home", "quota-board"):
        page.goto("/" if name == "home" else pages[name])
        _check_layout(page, f"{name} at 820px")
        shot(page, f"ru-{name}-narrow")

    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto("/")
    _choose_language(page, "en")
    assert page.get_attribute("html", "lang") == "en"
    assert "Welcome, director" in page.inner_text("h1")
