#!/usr/bin/env bash
# Installs the third-party peers the interop tests run against, if missing. Idempotent and quick
# when everything is present. Runs as `npm test`'s pretest step and from .ci/run.
#   Debian packages (apt-get, needs root): socat, mbpoll
#   PyPI (a venv under $LWM2M_ADAPTERS_PEERS, default ~/.cache/lwm2m-adapters/peers): pymodbus, pyserial
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
PEERS="${LWM2M_ADAPTERS_PEERS:-$HOME/.cache/lwm2m-adapters/peers}"

missing=()
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v mbpoll >/dev/null 2>&1 || missing+=(mbpoll)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "peers: apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "peers: missing Debian packages: ${missing[*]}; install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

venv="$PEERS/venv"
if ! "$venv/bin/python" - <<'PY' >/dev/null 2>&1
import importlib.metadata as m, pathlib, sys
wanted = {}
for line in pathlib.Path("requirements.txt").read_text().splitlines():
    line = line.split("#")[0].strip()
    if line:
        name, version = line.split("==")
        wanted[name] = version
sys.exit(0 if all(m.version(n) == v for n, v in wanted.items()) else 1)
PY
then
  echo "peers: installing Python peers into $venv"
  mkdir -p "$PEERS"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r requirements.txt
fi
echo "peers: socat $(socat -V 2>/dev/null | sed -n 2p | awk '{print $3}'), mbpoll, pymodbus $("$venv/bin/python" -c 'import pymodbus; print(pymodbus.__version__)') ready"
