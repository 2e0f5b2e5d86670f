#!/bin/sh
# Make sure Debian's Chromium is at /usr/bin/chromium for the docs end-to-end test (playwright-core
# drives it; it downloads no browser of its own). Installs it when missing and we are root;
# otherwise says what to do. Exit 0 when Chromium is there afterwards, 1 when it is not.
set -u
CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "ensure-chromium: $CHROMIUM is missing and this is not root: run 'sudo apt-get install -y chromium'" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: $CHROMIUM is missing and apt-get is not available: install Chromium at $CHROMIUM" >&2
    exit 1
fi

echo "ensure-chromium: installing Chromium from Debian (about 35 s)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2 && apt-get install -y -q --no-install-recommends chromium >&2

if [ -x "$CHROMIUM" ]; then
    exit 0
fi
echo "ensure-chromium: installing Chromium failed: $CHROMIUM is still missing" >&2
exit 1
