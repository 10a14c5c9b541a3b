"""The HTML reports in a real browser: headless Chromium opens them from a file and we check the DOM.

What a unit test cannot see: that the page's script runs under its own Content-Security-Policy,
that the filters really hide documents, that a removal renders struck through, and that a
document holding ``<script>``, an ``onerror`` image and a ``javascript:`` link runs nothing.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them) and selenium.
The test skips where they are absent, unless ``CLEANER_REQUIRE_BROWSER=1`` (set by CI), where
their absence is a failure: CI must run it.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_report import HOSTILE, _stats, _synthetic_items, build_report, run_items, sites_report, write_corpus

from cleaner.report import html as report_html
from cleaner.report.compare import Outcome, compare
from cleaner.report.html import write_compare_html

CHROMIUM = os.environ.get("CLEANER_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CLEANER_CHROMEDRIVER", "/usr/bin/chromedriver")
REQUIRED = os.environ.get("CLEANER_REQUIRE_BROWSER") == "1"


def _missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (Path(path).exists() or shutil.which(path)):
            return f"{path} is not installed (Debian packages chromium and chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = _missing()
    if missing:
        if REQUIRED:
            pytest.fail(f"CLEANER_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1280,1600")
    options.binary_location = CHROMIUM
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(20)
    driver.set_script_timeout(10)
    try:
        yield driver
    finally:
        driver.quit()


def open_page(driver: Any, path: Path) -> None:
    driver.get(path.resolve().as_uri())
    deadline = time.monotonic() + 10
    while driver.execute_script("return document.readyState") != "complete":  # pragma: no cover
        assert time.monotonic() < deadline, "page did not load"
        time.sleep(0.05)


def visible_docs(driver: Any) -> list[Any]:
    return [d for d in driver.find_elements("css selector", "article.doc") if d.is_displayed()]


def choose(driver: Any, select_id: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("id", select_id)).select_by_value(value)


def assert_nothing_ran(driver: Any) -> None:
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    assert driver.find_elements("css selector", "img, iframe, object, embed") == []
    assert driver.find_elements("css selector", "a[href^='javascript'], [onerror], [onclick], [onload]") == []
    assert len(driver.find_elements("css selector", "script")) == 1


def test_the_report_in_chromium(browser: Any, tmp_path: Path) -> None:
    path, _, stats = build_report(tmp_path)
    open_page(browser, path)
    driver = browser

    # The summary: the run's own counts.
    cards = {
        card.find_element("css selector", ".k").text: card.find_element("css selector", ".n").text
        for card in driver.find_elements("css selector", ".card")
    }
    assert cards["Documents in"] == "6" and cards["Kept"] == "5" and cards["Rejected"] == "1"
    assert cards["Removals"] == str(sum(stats["removals"].values()))

    # Our script ran (under the page's CSP): it filled in the count.
    assert driver.find_element("id", "match-count").text == "6 of 6 documents"

    # Rule labels and a struck-through removal.
    labels = {t.text for t in driver.find_elements("css selector", "#documents .tag")}
    assert {"junk.advertisement", "caption.reuters → caption", "title.first-line → title"} <= labels
    struck = driver.find_element("css selector", "article[data-source='a/ferry.txt'] .para.dropped del")
    assert "line-through" in struck.value_of_css_property("text-decoration-line")

    # Filter by rule, by source and by reject reason: documents really disappear.
    choose(driver, "f-rule", "caption.reuters")
    assert [d.get_attribute("data-source") for d in visible_docs(driver)] == ["a/ferry.txt"]
    assert driver.find_element("id", "match-count").text == "1 of 6 documents"
    choose(driver, "f-rule", "")
    driver.find_element("id", "f-source").send_keys("b/")
    sources = sorted(d.get_attribute("data-source") for d in visible_docs(driver))
    assert sources == ["b/copy.txt", "b/erosion.txt", "b/marathon.txt"]
    choose(driver, "f-outcome", "reason:near-duplicate")
    assert [d.get_attribute("data-source") for d in visible_docs(driver)] == ["b/copy.txt"]
    driver.find_element("id", "f-source").clear()
    driver.execute_script("document.getElementById('f-source').dispatchEvent(new Event('input'))")
    choose(driver, "f-outcome", "changed")
    assert len(visible_docs(driver)) == 5

    # A rule in the summary table is a shortcut to its documents.
    driver.find_element(
        "css selector", "button[data-set-filter='rule'][data-value='junk.font-controls']"
    ).click()
    assert [d.get_attribute("data-source") for d in visible_docs(driver)] == ["b/erosion.txt"]

    # The hostile document is on the page as text, and nothing in it ran.
    choose(driver, "f-rule", "")
    choose(driver, "f-outcome", "")
    hostile = driver.find_element("css selector", "article[data-source='a/hostile.txt']")
    text = hostile.text
    for line in HOSTILE[:3]:
        assert line in text
    # Escaped markup in the input that ftfy turns into real "<script>": shown as text too.
    assert {"<", ">"} <= {i.text for i in hostile.find_elements("css selector", "ins")}
    assert "window.__pwned=4" in text
    assert_nothing_ran(driver)
    driver.save_screenshot(str(tmp_path / "report.png"))
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_pages_of_a_sampled_report(browser: Any, tmp_path: Path) -> None:
    items = _synthetic_items(300)
    report = report_html.HtmlReport(tmp_path / "big.html", max_documents=250)
    for item in items:
        report.add(item)
    report.close(_stats(items))
    open_page(browser, tmp_path / "big.html")
    driver = browser
    assert len(visible_docs(driver)) == report_html.PAGE_SIZE
    assert driver.find_element("id", "page-no").text == "page 1 of 3"
    driver.find_element("id", "page-next").click()
    driver.find_element("id", "page-next").click()
    assert len(visible_docs(driver)) == 50
    assert driver.find_element("id", "page-next").get_attribute("disabled") is not None
    # A link to a document on another page brings that page up.
    driver.get((tmp_path / "big.html").resolve().as_uri() + "#d0")
    assert driver.find_element("id", "d0").is_displayed()


def test_the_comparison_in_chromium(browser: Any, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in")
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "no-ads.toml").write_text(
        '[[rule]]\nid = "junk.advertisement"\nenabled = false\n', encoding="utf-8"
    )
    old, _ = run_items([corpus])
    new, _ = run_items([corpus], [rules])
    result = compare([Outcome.from_item(i) for i in old], [Outcome.from_item(i) for i in new])
    write_compare_html(tmp_path / "compare.html", result)
    open_page(browser, tmp_path / "compare.html")
    driver = browser
    docs = visible_docs(driver)
    assert sorted(d.get_attribute("id") for d in docs) == ["c0", "c1"]
    added = driver.find_elements("css selector", ".para.added")
    assert any("Advertisement" in p.text and "−junk.advertisement" in p.text for p in added)
    choose(driver, "f-kind", "changed")
    assert len(visible_docs(driver)) == 2
    driver.find_element("id", "f-source").send_keys("zzz")
    assert visible_docs(driver) == []
    assert_nothing_ran(driver)


def test_sites_and_charts_in_chromium(browser: Any, tmp_path: Path) -> None:
    _, stats, items = sites_report(tmp_path)
    open_page(browser, tmp_path / "report.html")
    driver = browser

    # Every chart is drawn: an inline SVG with bars of real size, totals as the run counted.
    charts = {
        svg.get_attribute("data-chart"): svg
        for svg in driver.find_elements("css selector", "figure.chart svg")
    }
    assert set(charts) == {"passes", "rules", "sites", "shares", "languages"}
    for name, svg in charts.items():
        width = driver.execute_script("return arguments[0].getBBox().width", svg)
        assert width > 100, name
        assert svg.find_elements("css selector", "rect"), name
    removals = sum(stats["removals"].values())
    values = driver.execute_script(
        "return Array.from(document.querySelectorAll('svg[data-chart=passes] g.bar'))"
        ".map(g => Number(g.getAttribute('data-value')))"
    )
    assert sum(values) == removals == int(charts["passes"].get_attribute("data-total"))
    assert int(charts["languages"].get_attribute("data-total")) == stats["documents_out"]
    kept = sum(len(p) for i in items if i.record is not None for p in i.record["text"].split("\n\n"))
    assert int(charts["sites"].get_attribute("data-total-kept")) == kept
    # A pass's bar has its pass's colour, as its tags do.
    junk_bar = driver.find_element("css selector", "svg[data-chart=passes] g.p-junk rect")
    junk_tag = driver.find_element("css selector", "#documents .tag.p-junk")
    rgb = junk_tag.value_of_css_property("color").replace("rgba", "rgb").replace(", 1)", ")")
    assert junk_bar.value_of_css_property("fill") == rgb

    # The site table links to the site's documents.
    driver.find_element(
        "css selector", "button[data-set-filter='site'][data-value='quayside.example']"
    ).click()
    assert sorted(d.get_attribute("data-source") for d in visible_docs(driver)) == ["quayside.example"] * 2
    assert driver.find_element("id", "match-count").text == "2 of 9 documents"
    # The documents to check first link to them.
    choose(driver, "f-site", "")
    first = driver.find_element("css selector", "table.heavy a")
    first.click()
    target = driver.find_element("id", first.get_attribute("href").split("#")[1])
    assert target.is_displayed() and "quay-junk" in target.text
    assert_nothing_ran(driver)


def test_hostile_names_in_tables_and_charts_run_nothing_in_chromium(browser: Any, tmp_path: Path) -> None:
    from test_report import (
        test_site_names_rule_ids_and_boilerplate_from_the_input_stay_text_in_tables_and_charts,
    )

    test_site_names_rule_ids_and_boilerplate_from_the_input_stay_text_in_tables_and_charts(tmp_path)
    open_page(browser, tmp_path / "report.html")
    assert_nothing_ran(browser)
    label = browser.find_element("css selector", "svg[data-chart=rules] g.bar text.label")
    assert label.text.startswith("<script>")  # shown as text, shortened
