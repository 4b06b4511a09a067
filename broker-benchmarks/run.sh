#!/usr/bin/env bash
# Load benchmark of issue 3: Starling, HiveMQ CE, Moquette, Mosquitto and a byte-relay ceiling, one after another
# on one loopback port, the same scenarios against each.
#
#   broker-benchmarks/run.sh quick|full|smoke|flood [scenario...] [key=value...] [--targets a,b,...] [runner options]
#
#   quick  all brokers, short windows (under 5 minutes); writes docs/performance.md and docs/performance/*.png
#   full   all brokers, 10 s windows (under 25 minutes); writes docs/performance.md and docs/performance/*.png
#   smoke  Starling and Mosquitto, about a second per scenario (for CI), flood only when named; writes
#          broker-benchmarks/target/perf/smoke/
#   flood  the flood scenario alone in quick mode against all brokers but the relay (about 30 s each); writes
#          broker-benchmarks/target/perf/flood/performance.md, leaving docs/performance.md alone
#   ws     p2p-qos1 over TCP and p2p-qos1-ws over WebSocket in quick mode, Starling only (the one target here with
#          a WebSocket listener); writes broker-benchmarks/target/perf/ws/performance.md, leaving docs/performance.md
#          alone
#
# Environment: STARLING_JAR (default broker-examples/target/starling-broker.jar, built when missing),
# BROKER_JVM_FLAGS (default "-Xms512m -Xmx512m -XX:+UseG1GC"; it replaces the default, so repeat those when you add
# a flag: a comparison against the default heap is not like for like), GEN_JVM_FLAGS (added to the load generator's
# JVM, e.g. -Xlog:gc:file=gen-gc.log), LIGHT_JVM_FLAGS (added to the overload scenario's light clients' JVM),
# SKIP_BUILD=1 to reuse target/benchmarks.jar,
# BENCHMARKS_JAR to use a benchmarks.jar built elsewhere (no build), MVN (default mvn). Scenarios: p2p-qos0 p2p-qos1
# p2p-qos2 fanout-qos0 fanout-qos1 fanin-qos1 wildcard latency connections flood (default: all; smoke: all but flood),
# and by name only p2p-qos1-persistent latency-persistent p2p-qos1-ws overload slow-consumer (issue 7: about 35 s and
# 25 s per broker in quick mode). More targets: starling-durable starling-periodic starling-latency hivemq-persistent
# mosquitto-persistent.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"
started=$(date +%s)
command_line="broker-benchmarks/run.sh $*"
[ -n "${BROKER_JVM_FLAGS:-}" ] && command_line="BROKER_JVM_FLAGS=\"$BROKER_JVM_FLAGS\" $command_line"
[ -n "${STARLING_JAR:-}" ] && command_line="STARLING_JAR=$STARLING_JAR $command_line"
[ -n "${BENCHMARKS_JAR:-}" ] && command_line="BENCHMARKS_JAR=$BENCHMARKS_JAR $command_line"

mode="${1:-}"
case "$mode" in
  quick|full|smoke) shift ;;
  flood) shift; set -- flood "$@" ;;
  ws) shift; set -- p2p-qos1 p2p-qos1-ws "$@" ;;
  *) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac

mvn_cmd="${MVN:-mvn}"
jvm_flags="${BROKER_JVM_FLAGS:--Xms512m -Xmx512m -XX:+UseG1GC}"
work="$here/target/perf"
mkdir -p "$work"

# Which targets: an explicit --targets wins; smoke defaults to Starling plus one peer.
targets="starling,hivemq,moquette,mosquitto,ceiling"
[ "$mode" = smoke ] && targets="starling,mosquitto"
[ "$mode" = flood ] && targets="starling,hivemq,moquette,mosquitto"
[ "$mode" = ws ] && targets="starling"
args=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--targets" ] && [ $# -ge 2 ]; then targets="$2"; shift 2; else args+=("$1"); shift; fi
done
has() { [[ ",$targets," == *",$1,"* ]]; }
has_any() { local t; for t in "$@"; do has "$t" && return 0; done; return 1; }

# 1. Build the benchmarks jar, and the Starling jar when it is not there.
starling_jar="${STARLING_JAR:-broker-examples/target/starling-broker.jar}"
modules="broker-benchmarks"
if has_any starling starling-durable starling-periodic starling-latency && [ ! -f "$starling_jar" ]; then
  if [ -n "${STARLING_JAR:-}" ]; then echo "run.sh: STARLING_JAR=$STARLING_JAR does not exist" >&2; exit 1; fi
  modules="broker-benchmarks,broker-examples"
fi
benchmarks_jar="${BENCHMARKS_JAR:-$here/target/benchmarks.jar}"
if [ -n "${BENCHMARKS_JAR:-}" ]; then
  [ -f "$BENCHMARKS_JAR" ] || { echo "run.sh: BENCHMARKS_JAR=$BENCHMARKS_JAR does not exist" >&2; exit 1; }
  [ "$modules" = broker-benchmarks ] || { echo "run.sh: no Starling jar at $starling_jar" >&2; exit 1; }
elif [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$benchmarks_jar" ] || [ "$modules" != broker-benchmarks ]; then
  echo "building $modules ..."
  "$mvn_cmd" -B -q -pl "$modules" -am package -DskipTests
fi

# 2. The peers' class paths, resolved by Maven on demand from their standalone POMs, and their launchers compiled
#    against them (javac from the JDK that runs the runner). Cached in target/peers/NAME until the POM changes.
peer_classpath() {
  local name="$1" main="$2" dir="$here/target/peers/$1"
  mkdir -p "$dir/classes"
  if [ ! -s "$dir/classpath.txt" ] || [ "$here/peers/$name/pom.xml" -nt "$dir/classpath.txt" ]; then
    echo "resolving the $name class path with Maven ..." >&2
    if ! "$mvn_cmd" -B -q dependency:build-classpath -Dmdep.outputFile="$dir/classpath.txt" \
        -f "$here/peers/$name/pom.xml" >"$dir/resolve.log" 2>&1; then
      echo "run.sh: cannot resolve $name (see $dir/resolve.log); it will be reported as not run" >&2
      rm -f "$dir/classpath.txt"; return 1
    fi
  fi
  if [ ! -f "$dir/classes/$main.class" ] || [ "$here/peers/$name/$main.java" -nt "$dir/classes/$main.class" ]; then
    javac -nowarn -d "$dir/classes" -cp "$(cat "$dir/classpath.txt")" "$here/peers/$name/$main.java" >&2 || return 1
  fi
  echo "$dir/classes:$(cat "$dir/classpath.txt")"
}
peer_args=()
if has_any hivemq hivemq-persistent; then cp_h="$(peer_classpath hivemq HiveMqMain)" && peer_args+=(--hivemq-cp "$cp_h") || true; fi
if has moquette; then cp_m="$(peer_classpath moquette MoquetteMain)" && peer_args+=(--moquette-cp "$cp_m") || true; fi
if has_any mosquitto mosquitto-persistent && [ ! -x /usr/sbin/mosquitto ]; then
  echo "run.sh: /usr/sbin/mosquitto not found (Debian: apt-get install mosquitto); it will be reported as not run" >&2
fi

# 3. Run. quick and full write the committed report; smoke and flood write under target/.
runner_mode="$mode"
if [ "$mode" = smoke ]; then
  report=(--report "$work/smoke/performance.md" --charts "$work/smoke/charts")
elif [ "$mode" = flood ]; then
  runner_mode=quick
  report=(--report "$work/flood/performance.md" --charts "$work/flood/charts" --work "$work/flood")
elif [ "$mode" = ws ]; then
  runner_mode=quick
  report=(--report "$work/ws/performance.md" --charts "$work/ws/charts" --work "$work/ws")
else
  report=(--report "$root/docs/performance.md" --charts "$root/docs/performance")
fi
status=0
java -Xms1g -Xmx2g -XX:+UseParallelGC ${GEN_JVM_FLAGS:-} -Djava.awt.headless=true -Dslf4j.internal.verbosity=ERROR \
  -cp "$benchmarks_jar" io.starling.mqtt.benchmarks.runner.Runner "$runner_mode" \
  --targets "$targets" --starling-jar "$starling_jar" --jvm-flags "$jvm_flags" --work "$work" \
  --command "$command_line" "${report[@]}" ${peer_args[@]+"${peer_args[@]}"} ${args[@]+"${args[@]}"} || status=$?
echo "run.sh $mode finished in $(( $(date +%s) - started )) s (build included)"
exit $status
