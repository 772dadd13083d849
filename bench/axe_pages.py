"""axe-core on pages of a running Mend, at 360 px and desktop width, in Debian's Chromium.

    python bench/axe_pages.py BASE_URL AXE_JS [--login EMAIL:PASSWORD] [--width W] PATH [PATH ...]

A PATH of the form ``POST:/path/?query#key=value&key=value`` opens /path/?query,
fills the radio answers given (every other radio question gets "no") and submits
it, then checks the page that answers. Each page is checked at 360x740 and
1350x940; prints violations per page and width, and exits 1 if there are any.
Loopback only: Chromium resolves no other host.
"""

from __future__ import annotations

import argparse
import json
import sys
from urllib.parse import parse_qsl

from playwright.sync_api import Page, sync_playwright

WIDTHS = {"360px": {"width": 360, "height": 740}, "desktop": {"width": 1350, "height": 940}}
LOOPBACK = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


def sign_in(page: Page, base: str, login: str) -> None:
    email, _, password = login.partition(":")
    page.goto(base + "/accounts/login/", wait_until="domcontentloaded")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(password)
    page.locator('button[type="submit"]:not([form])').click()  # not the passkey button
    page.wait_for_load_state("domcontentloaded")


def open_target(page: Page, base: str, target: str) -> None:
    if not target.startswith("POST:"):
        page.goto(base + target, wait_until="domcontentloaded")
        return
    address, _, answers = target.removeprefix("POST:").partition("#")
    page.goto(base + address, wait_until="domcontentloaded")
    chosen = dict(parse_qsl(answers))
    for radio in page.locator('input[type="radio"][value="no"]').all():
        radio.check()
    for name, value in chosen.items():
        box = page.locator(f'input[name="{name}"]')
        if value == "on":
            box.check()
        else:
            page.locator(f'input[name="{name}"][value="{value}"]').check()
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state("domcontentloaded")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("axe")
    parser.add_argument("--login")
    parser.add_argument("--width", choices=WIDTHS, help="only this width (default: both)")
    parser.add_argument("targets", nargs="+")
    args = parser.parse_args()
    total = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[LOOPBACK])
        for label, size in WIDTHS.items():
            if args.width and label != args.width:
                continue
            # axe is injected as an inline script, which the site's CSP rightly refuses.
            context = browser.new_context(viewport=size, bypass_csp=True)
            page = context.new_page()
            if args.login:
                sign_in(page, args.base, args.login)
            for target in args.targets:
                open_target(page, args.base, target)
                page.add_script_tag(path=args.axe)
                result = page.evaluate("axe.run(document)")
                violations = result["violations"]
                total += len(violations)
                wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
                print(
                    f"{label:8} {target}: {len(violations)} violations, "
                    f"{len(result['passes'])} rules passed" + (", SCROLLS SIDEWAYS" if wide else "")
                )
                total += int(wide)
                for violation in violations:
                    targets = [" ".join(node["target"]) for node in violation["nodes"]]
                    print("   ", violation["id"], violation["impact"], json.dumps(targets))
            context.close()
        browser.close()
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
