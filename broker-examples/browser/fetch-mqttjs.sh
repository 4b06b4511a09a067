#!/usr/bin/env bash
# Fetches the mqtt.js browser bundle (dist/mqtt.min.js of the npm package mqtt, pinned) for the browser example and
# the browser tests, which never download anything themselves. Needs npm. Idempotent.
# Usage: broker-examples/browser/fetch-mqttjs.sh [TARGET_FILE]
# Default target: ~/.cache/starling/mqttjs/mqtt-<version>.min.js, where MqttJsBundle looks (or -Dstarling.mqttjs=FILE).
set -euo pipefail
version=5.16.0  # keep equal to MqttJsBundle.VERSION
target=${1:-"$HOME/.cache/starling/mqttjs/mqtt-$version.min.js"}
if [ -s "$target" ]; then
  echo "mqtt.js $version already at $target"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "mqtt@$version" >/dev/null)
tar -xzf "$work/mqtt-$version.tgz" -C "$work" package/dist/mqtt.min.js
mkdir -p "$(dirname "$target")"
mv "$work/package/dist/mqtt.min.js" "$target"
echo "mqtt.js $version -> $target"
