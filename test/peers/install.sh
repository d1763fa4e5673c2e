#!/usr/bin/env bash
# Installs the third-party peers the interop tests run against, if missing. Idempotent and quick
# when everything is present. Runs as `npm test`'s pretest step and from .ci/run.
#   Maven Central (mvn): Leshan demo server, Leshan server and client libraries, Apache Kafka (see below)
#   Debian packages (apt-get, needs root): socat, mbpoll, libcoap3-bin, openssl, kcat, systemd (for
#     systemd-analyze), chromium, and a JDK 17 with Maven
#     when the machine has none (the Leshan peers)
#   PyPI (a venv under $LWM2M_ADAPTERS_PEERS, default ~/.cache/lwm2m-adapters/peers): pymodbus, pyserial, asyncua
#     (its python also gives test/peers/pseudo-terminal.ts the pty module: `adapter-host watch` tests)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
PEERS="${LWM2M_ADAPTERS_PEERS:-$HOME/.cache/lwm2m-adapters/peers}"

missing=()
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v mbpoll >/dev/null 2>&1 || missing+=(mbpoll)
command -v coap-client-notls >/dev/null 2>&1 || missing+=(libcoap3-bin)
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# systemd-analyze verify checks packages/host/deploy/adapter-host.service
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
# the web console's browser acceptance drives Debian's Chromium headless (playwright-core)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
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
# Eclipse Leshan demo server (Maven Central; Java 17 + Maven): jars with their dependencies in
# $PEERS/leshan/lib, fetched through leshan/pom.xml. The marker file holds the installed version.
# libcoap's coap-client-* (libcoap3-bin) act as raw LwM2M registrants in the Leshan smoke test.
leshan_version="$(sed -n 's:.*<leshan.version>\(.*\)</leshan.version>.*:\1:p' leshan/pom.xml)"
leshan_home="$PEERS/leshan"
if [ "$(cat "$leshan_home/installed-version" 2>/dev/null)" != "$leshan_version" ]; then
  for tool in java mvn; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "peers: the Leshan demo server needs $tool (Java 17 and Maven 3.8+): sudo apt-get install openjdk-17-jdk-headless maven" >&2
      exit 1
    fi
  done
  echo "peers: fetching Leshan demo server $leshan_version from Maven Central into $leshan_home/lib"
  rm -rf "$leshan_home/lib.partial"
  if ! mvn_log="$(mvn -q -B -f leshan/pom.xml dependency:copy-dependencies -DoutputDirectory="$leshan_home/lib.partial" 2>&1)"; then
    echo "$mvn_log" >&2
    echo "peers: fetching the Leshan demo server failed (Maven Central must be reachable)" >&2
    exit 1
  fi
  rm -rf "$leshan_home/lib"
  mv "$leshan_home/lib.partial" "$leshan_home/lib"
  echo "$leshan_version" >"$leshan_home/installed-version"
fi
# Leshan server library for the Read-/Observe-Composite and Send harness (leshan/harness): a newer
# Leshan than the demo (M4 has no Observe-Composite), fetched through leshan/harness/pom.xml into
# $PEERS/leshan/harness-lib; test/peers/leshan-harness.ts compiles the harness with javac.
if ! command -v javac >/dev/null 2>&1; then
  echo "peers: the Leshan harness needs javac (JDK 17): sudo apt-get install openjdk-17-jdk-headless" >&2
  exit 1
fi
harness_version="$(sed -n 's:.*<leshan.harness.version>\(.*\)</leshan.harness.version>.*:\1:p' leshan/harness/pom.xml)"
if [ "$(cat "$leshan_home/harness-installed-version" 2>/dev/null)" != "$harness_version" ]; then
  if ! command -v mvn >/dev/null 2>&1; then
    echo "peers: fetching the Leshan harness library needs Maven 3.8+: sudo apt-get install maven" >&2
    exit 1
  fi
  echo "peers: fetching Leshan server library $harness_version from Maven Central into $leshan_home/harness-lib"
  rm -rf "$leshan_home/harness-lib.partial"
  if ! mvn_log="$(mvn -q -B -f leshan/harness/pom.xml dependency:copy-dependencies -DoutputDirectory="$leshan_home/harness-lib.partial" 2>&1)"; then
    echo "$mvn_log" >&2
    echo "peers: fetching the Leshan server library failed (Maven Central must be reachable)" >&2
    exit 1
  fi
  rm -rf "$leshan_home/harness-lib"
  mv "$leshan_home/harness-lib.partial" "$leshan_home/harness-lib"
  echo "$harness_version" >"$leshan_home/harness-installed-version"
fi
# Leshan client library for the client harness (leshan-client/LeshanClientHarness.java), the real
# third-party LwM2M client of the server-side tests: fetched through leshan-client/pom.xml into
# $PEERS/leshan/client-lib; test/peers/leshan-client.ts compiles the harness with javac.
client_version="$(sed -n 's:.*<leshan.client.version>\(.*\)</leshan.client.version>.*:\1:p' leshan-client/pom.xml)"
if [ "$(cat "$leshan_home/client-installed-version" 2>/dev/null)" != "$client_version" ]; then
  if ! command -v mvn >/dev/null 2>&1; then
    echo "peers: fetching the Leshan client library needs Maven 3.8+: sudo apt-get install maven" >&2
    exit 1
  fi
  echo "peers: fetching Leshan client library $client_version from Maven Central into $leshan_home/client-lib"
  rm -rf "$leshan_home/client-lib.partial"
  if ! mvn_log="$(mvn -q -B -f leshan-client/pom.xml dependency:copy-dependencies -DoutputDirectory="$leshan_home/client-lib.partial" 2>&1)"; then
    echo "$mvn_log" >&2
    echo "peers: fetching the Leshan client library failed (Maven Central must be reachable)" >&2
    exit 1
  fi
  rm -rf "$leshan_home/client-lib"
  mv "$leshan_home/client-lib.partial" "$leshan_home/client-lib"
  echo "$client_version" >"$leshan_home/client-installed-version"
fi
# Apache Kafka broker (KRaft, one node) for the Kafka bridge tests and `npm run kafka-broker`: the
# kafka_2.13 jars with their dependencies, fetched through kafka/pom.xml into $PEERS/kafka/lib.
kafka_version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' kafka/pom.xml)"
kafka_home="$PEERS/kafka"
if [ "$(cat "$kafka_home/installed-version" 2>/dev/null)" != "$kafka_version" ]; then
  echo "peers: fetching Apache Kafka $kafka_version from Maven Central into $kafka_home/lib"
  rm -rf "$kafka_home/lib.partial"
  if ! mvn_log="$(mvn -q -B -f kafka/pom.xml dependency:copy-dependencies -DoutputDirectory="$kafka_home/lib.partial" 2>&1)"; then
    echo "$mvn_log" >&2
    echo "peers: fetching Apache Kafka failed (Maven Central must be reachable)" >&2
    exit 1
  fi
  rm -rf "$kafka_home/lib"
  mv "$kafka_home/lib.partial" "$kafka_home/lib"
  echo "$kafka_version" >"$kafka_home/installed-version"
fi
echo "peers: Apache Kafka $kafka_version, kcat $(kcat -V 2>/dev/null | sed -n "s/^Version \([0-9.]*\).*/\1/p" | head -1) ready"
echo "peers: Leshan demo server $leshan_version, Leshan harness library $harness_version, Leshan client library $client_version, libcoap $(coap-client-notls -h 2>&1 | sed -n 's/.* v\([0-9.]*\) .*/\1/p' | head -1) ready"
echo "peers: socat $(socat -V 2>/dev/null | sed -n 2p | awk '{print $3}'), mbpoll, pymodbus $("$venv/bin/python" -c "import pymodbus; print(pymodbus.__version__)"), asyncua ready"
