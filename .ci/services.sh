#!/usr/bin/env bash
# Services and browsers the test suite needs, installed from Debian packages when missing.
# Sourced by .ci/run (CI runs as root on Debian); safe to run by hand too.
# Tests start their OWN redis-server on a free loopback port (tests/bot/jobs/queue/conftest.py) and their own
# headless Chromium (tests/render/test_html_browser.py, through Playwright with the system browser);
# this script only makes sure the binaries exist. Nothing is started here.

devdocs_apt_updated=""

devdocs_apt_install() {  # devdocs_apt_install PACKAGE: install one Debian package (root only)
    if [ "$(id -u)" != "0" ]; then
        echo "services: $1 is missing and this is not root; install the '$1' package" >&2
        return 1
    fi
    echo "services: installing $1 from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "$devdocs_apt_updated" ]; then
        apt-get update -qq || return 1
        devdocs_apt_updated=1
    fi
    apt-get install -y -qq --no-install-recommends "$1" >/dev/null
}

devdocs_install_redis() {
    if ! command -v redis-server >/dev/null 2>&1; then
        devdocs_apt_install redis-server || return 1
        # The package enables a system-wide service; the tests never use it. Stop it if it started.
        if command -v service >/dev/null 2>&1; then service redis-server stop >/dev/null 2>&1 || true; fi
    fi
    echo "services: $(redis-server --version | head -n 1)"
}

devdocs_install_chromium() {
    # Debian's chromium: the HTML report's browser tests drive it headless. Never `playwright install`
    # (that would download a browser build of its own instead of using this package).
    if ! command -v chromium >/dev/null 2>&1; then
        devdocs_apt_install chromium || return 1
    fi
    echo "services: $(chromium --version 2>/dev/null | head -n 1)"
}

devdocs_install_redis || { echo "services: could not install redis-server" >&2; return 1 2>/dev/null || exit 1; }
devdocs_install_chromium || { echo "services: could not install chromium" >&2; return 1 2>/dev/null || exit 1; }
