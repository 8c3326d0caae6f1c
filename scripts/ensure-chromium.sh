#!/usr/bin/env bash
# The browser tests drive Debian's Chromium at /usr/bin/chromium; install it when it is missing.
# Does nothing on a machine that has it (or when CHROMIUM_PATH points at another build).
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] || [ -x /usr/bin/chromium ]; then exit 0; fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "Installing Debian's chromium for the browser tests (apt-get)…" >&2
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium
