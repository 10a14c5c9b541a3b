"""The run report of a big run in headless Chromium: its size, its load time, its charts' totals
against the run's own counts, and a screenshot (by hand, never in the test suite).

    python bench/generate.py 10000 > news10k.jsonl
    cleaner run news10k.jsonl out10k.jsonl --rejects rej10k.jsonl --stats stats10k.json \\
        --report report10k.html -q
    python bench/bench_report.py report10k.html stats10k.json out10k.jsonl --screenshot report10k.png

Needs Chromium, chromedriver and selenium, as the browser tests do. Load time is the
navigation's ``loadEventEnd`` (parsing, style, layout of the first page of documents and the
charts, the page's script), the median of ``--rounds`` loads from the file.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("CLEANER_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CLEANER_CHROMEDRIVER", "/usr/bin/chromedriver")


def _driver(width: int, height: int) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument(f"--window-size={width},{height}")
    options.binary_location = CHROMIUM
    return webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))


def _kept_chars(output: Path) -> int:
    total = 0
    with output.open(encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            total += sum(len(p) for p in text.split("\n\n")) if text else 0
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("report", type=Path)
    parser.add_argument("stats", type=Path)
    parser.add_argument("output", type=Path, help="The run's output, to check the kept characters.")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    stats = json.loads(args.stats.read_text(encoding="utf-8"))
    size = args.report.stat().st_size
    print(f"{args.report}: {size / 1e6:.2f} MB ({size:,} bytes)")

    driver = _driver(1280, 2400)
    try:
        loads: list[float] = []
        for _ in range(args.rounds):
            driver.get(args.report.resolve().as_uri())
            timing = driver.execute_script(
                "var t = performance.getEntriesByType('navigation')[0];"
                "return [t.domContentLoadedEventEnd, t.loadEventEnd];"
            )
            loads.append(float(timing[1]))
        print(f"load (loadEventEnd), median of {args.rounds}: {statistics.median(loads):.0f} ms")

        totals = driver.execute_script(
            "var out = {};"
            "document.querySelectorAll('figure.chart svg').forEach(function (s) {"
            "  var t = {}; for (var a of s.attributes) if (a.name.indexOf('data-total') === 0) t[a.name] = +a.value;"
            "  t.bars = s.querySelectorAll('g.bar, g.stack').length;"
            "  t.width = s.getBBox().width; out[s.getAttribute('data-chart')] = t; });"
            "return out;"
        )
        removals = sum(stats["removals"].values())
        checks = {
            "removals by pass = the run's removals": totals["passes"]["data-total"] == removals,
            "removals by rule = the run's removals": totals["rules"]["data-total"] == removals,
            "share histogram = documents kept": totals["shares"]["data-total"] == stats["documents_out"],
            "languages = documents kept": totals["languages"]["data-total"] == stats["documents_out"],
            "characters kept = the output's": totals["sites"]["data-total-kept"] == _kept_chars(args.output),
            "every chart drawn": all(t["width"] > 100 and t["bars"] for t in totals.values()),
        }
        sites = driver.find_elements("css selector", "table.sites tbody tr")
        checks["site table rows"] = len(sites) > 0
        print(f"charts: {json.dumps(totals, sort_keys=True)}")
        print(f"site table: {len(sites)} rows; first: {sites[0].text.splitlines()[0] if sites else '-'}")
        for name, ok in checks.items():
            print(f"  {'ok ' if ok else 'BAD'} {name}")
        if args.screenshot is not None:
            driver.set_window_size(1280, 3000)
            driver.get(args.report.resolve().as_uri())
            driver.save_screenshot(str(args.screenshot))
            print(f"screenshot: {args.screenshot}")
        if not all(checks.values()):
            sys.exit(1)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
