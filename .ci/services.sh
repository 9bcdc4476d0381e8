#!/usr/bin/env bash
# Services the test suite needs, installed from Debian packages when missing.
# Sourced by .ci/run (CI runs as root on Debian); safe to run by hand too.
# Tests start their OWN redis-server on a free loopback port (tests/queue/conftest.py);
# this script only makes sure the binary exists. Nothing is started here.

devdocs_install_redis() {
    if command -v redis-server >/dev/null 2>&1; then
        echo "services: $(redis-server --version | head -n 1)"
        return 0
    fi
    if [ "$(id -u)" != "0" ]; then
        echo "services: redis-server is missing and this is not root; install the 'redis-server' package" >&2
        return 1
    fi
    echo "services: installing redis-server from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || return 1
    apt-get install -y -qq --no-install-recommends redis-server >/dev/null || return 1
    # The package enables a system-wide service; the tests never use it. Stop it if it started.
    if command -v service >/dev/null 2>&1; then service redis-server stop >/dev/null 2>&1 || true; fi
    echo "services: $(redis-server --version | head -n 1)"
}

devdocs_install_redis || { echo "services: could not install redis-server" >&2; return 1 2>/dev/null || exit 1; }
