"""The exercise page's weight and speed on localhost, in headless Chromium.

    .venv/bin/python bench/page_weight.py [--loads 5]

Starts a private stack (bench/stack.py) with production settings (collected, compressed static
files), logs in, then loads the exercise page several times: prints the bytes transferred per
resource as compressed on the wire, and the time from navigation to interactive, meaning the
editor is on screen and the Run button is enabled (the page's WebSocket said hello).
Goals: under 600 KB compressed, interactive in under 500 ms.
"""

import argparse
import statistics
import time
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, Response, sync_playwright
from stack import PASSWORD, USERNAME, private_stack

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    with private_stack() as stack, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(f"{stack.base_url}/login/")
        page.get_by_label("Username").fill(USERNAME)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/exercises/")
        url = f"{stack.base_url}/exercises/add-two/"
        first = load(page, url, fresh_cache=True)  # also fills the server's caches
        loads = [load(page, url, fresh_cache=True) for _ in range(args.loads)]
        browser.close()
    print("transferred (compressed, as on the wire), first load:")
    for name, size in sorted(first["sizes"].items(), key=lambda item: -item[1]):
        print(f"  {size / 1024:8.1f} KB  {name}")
    total = sum(first["sizes"].values())
    print(f"  {total / 1024:8.1f} KB  total (goal: under 600 KB)")
    times = [run["interactive_ms"] for run in loads]
    print(
        f"time to interactive: cold {first['interactive_ms']:.0f} ms; over {len(times)} "
        f"loads with an empty cache: median {statistics.median(times):.0f} ms, "
        f"max {max(times):.0f} ms (goal: under 500 ms)"
    )


def load(page: Page, url: str, fresh_cache: bool = False) -> dict[str, Any]:
    if fresh_cache:
        client = page.context.new_cdp_session(page)
        client.send("Network.clearBrowserCache")
    sizes: dict[str, int] = {}

    def record(response: Response) -> None:
        name = urlsplit(response.url).path
        sizes[name] = (
            sizes.get(name, 0)
            + response.request.sizes()["responseBodySize"]
            + (response.request.sizes()["responseHeadersSize"])
        )

    page.on("response", record)
    started = time.perf_counter()
    page.goto(url)
    page.locator(".cm-content").wait_for()
    page.get_by_role("button", name="Run", exact=True).wait_for(state="visible")
    page.wait_for_function("!document.querySelector('#run').disabled")
    interactive_ms = (time.perf_counter() - started) * 1000
    page.remove_listener("response", record)
    return {"sizes": sizes, "interactive_ms": interactive_ms}


if __name__ == "__main__":
    main()
