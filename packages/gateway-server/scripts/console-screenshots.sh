#!/usr/bin/env bash
# Regenerates the console screenshots in docs/images (README) by running the Chromium acceptance
# test, which takes one of each view: fleet-view.png, device-view.png, events-view.png.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
CONSOLE_SCREENSHOTS="$root/packages/gateway-server/docs/images" \
  npx vitest run packages/gateway-server/test/console/console-browser.test.ts
