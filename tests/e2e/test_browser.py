from __future__ import annotations

import subprocess

from playwright.sync_api import Browser

from tests.conftest import CHROMIUM


def test_the_browser_is_debians_chromium(browser: Browser) -> None:
    installed = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, check=True)
    assert browser.version in installed.stdout
