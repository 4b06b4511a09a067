#!/usr/bin/env bash
# Start+stop of the embedded brokers (issue 4): Starling, HiveMQ CE embedded and Moquette, each in a fresh JVM with
# the same flags, ROUNDS start+stop cycles of which WARMUP are not counted. Prints a Markdown table.
#
#   broker-benchmarks/startstop.sh [ROUNDS [WARMUP]]     (default 40 10)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"
rounds="${1:-40}"
warmup="${2:-10}"
flags=(-Xms512m -Xmx512m -XX:+UseG1GC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
mvn_cmd="${MVN:-mvn}"
[ -f "$here/target/benchmarks.jar" ] || "$mvn_cmd" -B -q -pl broker-benchmarks -am package -DskipTests

classpath() {
  local dir="$here/target/peers/$1"
  mkdir -p "$dir"
  if [ ! -s "$dir/classpath.txt" ] || [ "$here/peers/$1/pom.xml" -nt "$dir/classpath.txt" ]; then
    "$mvn_cmd" -B -q dependency:build-classpath -Dmdep.outputFile="$dir/classpath.txt" -f "$here/peers/$1/pom.xml" >&2
  fi
  cat "$dir/classpath.txt"
}

echo "| broker | first start ms | first stop ms | warm start+stop median ms | warm p90 ms |"
echo "| --- | ---: | ---: | ---: | ---: |"
read -r a b c d < <(java "${flags[@]}" -cp "$here/target/benchmarks.jar" io.starling.mqtt.benchmarks.StartStop "$rounds" "$warmup")
echo "| Starling | $a | $b | $c | $d |"
read -r a b c d < <(java "${flags[@]}" -cp "$(classpath hivemq)" "$here/peers/hivemq/HiveMqStartStop.java" "$rounds" "$warmup" 2>/dev/null | tail -1)
echo "| HiveMQ CE embedded | $a | $b | $c | $d |"
read -r a b c d < <(java "${flags[@]}" -cp "$(classpath moquette)" "$here/peers/moquette/MoquetteStartStop.java" "$rounds" "$warmup" 2>/dev/null | tail -1)
echo "| Moquette | $a | $b | $c | $d |"
