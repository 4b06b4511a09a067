#!/usr/bin/env python3
"""Writes docs/conformance.md: every server row of the MQTT 3.1.1 checklist, the tests that cite its ID, and the
behaviour chosen where the standard lets the server choose.

Usage (from the repository root): python3 docs/tools/conformance_table.py [path/to/mqtt-3.1.1-server-checklist.md]
The checklist defaults to ../shared/spec/mqtt-3.1.1-server-checklist.md. ConformanceCoverageTest fails when the
table is stale or a row has no test.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHECKLIST = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/spec/mqtt-3.1.1-server-checklist.md"
OUT = ROOT / "docs/conformance.md"

# Rows another issue covers: listed, but not required to have a test yet.
DEFERRED = {}

CHOICES = {
    "MQTT-3.1.2-1": "A protocol name other than `MQTT` (or `MQIsdp` for MQTT 3.1) closes the connection without CONNACK.",
    "MQTT-3.1.2-2": "Accepted: `MQTT` level 4 (3.1.1) and `MQIsdp` level 3 (3.1). `MQTT` or `MQIsdp` with any other level: CONNACK 0x01, then close.",
    "MQTT-3.1.2-5": "QoS 0 messages are not queued for offline sessions by default (`queueQos0WhenOffline`, default false).",
    "MQTT-3.1.2-24": "Closed after 1.5 x keep-alive without a control packet; 0 disables it. Before CONNECT completes, the CONNECT timeout applies (`connectTimeout`, default 10 s).",
    "MQTT-3.1.3-5": "Any well-formed UTF-8 client id up to `maxClientIdLength` bytes (default 256) is accepted; longer ids get 0x02.",
    "MQTT-3.1.3-6": "An empty id with clean session 1 gets a generated id `starling-<uuid>` (`allowZeroLengthClientId`, default true; when false: 0x02).",
    "MQTT-3.1.3-11": "An ill-formed user name is malformed: the connection closes without CONNACK.",
    "MQTT-3.3.1-2": "An inbound QoS 0 PUBLISH with DUP=1 is malformed: the connection closes.",
    "MQTT-3.3.1-7": "Retained QoS 0 messages are kept like any other retained message.",
    "MQTT-3.3.5-1": "Overlapping subscriptions of one client give one copy at the highest granted QoS.",
    "MQTT-3.3.5-2": "A refused PUBLISH is acknowledged and dropped (`unauthorizedPublishPolicy` ACKNOWLEDGE_AND_DROP, default) or closes the connection (DISCONNECT). Clients' publishes to `$SYS` are always acknowledged and dropped.",
    "MQTT-3.8.3-2": "Wildcards are supported; with `wildcardSubscriptions(false)` filters with `+` or `#` get SUBACK 0x80.",
    "MQTT-3.8.4-6": "No duplicate copies: one delivery at min(published, granted) QoS.",
    "MQTT-3.10.4-3": "In-flight QoS 1/2 flows are completed after UNSUBSCRIBE; messages already queued for the client are still delivered.",
    "MQTT-4.1.0-1": "A session's queue is bounded (`maxQueuedMessages`, default 1000); when full, `queueOverflowPolicy` applies: DISCARD_SESSION (default: the client sees session present 0), DROP_OLDEST or DROP_NEWEST, each counted and logged.",
    "MQTT-4.3.3-2": "Method A: an inbound QoS 2 message is forwarded when its PUBLISH arrives; its id is kept until PUBREL so a re-sent PUBLISH is not forwarded again.",
    "MQTT-4.4.0-1": "The only retransmission is on reconnect of a persistent session; nothing is re-sent on a timer within a live connection.",
    "MQTT-4.6.0-5": "Every topic is ordered; there is no unordered mode.",
    "MQTT-4.7.1-2": "An invalid filter (`#` not last or not alone) closes the connection (no SUBACK 0x80).",
    "MQTT-4.7.1-3": "An invalid filter (`+` not alone in its level) closes the connection (no SUBACK 0x80).",
    "MQTT-4.7.2-1": "Clients may not publish to `$SYS` (acknowledged, dropped, counted); other `$` topics work normally; the broker itself may publish to `$SYS` in-process.",
    "MQTT-4.7.3-1": "An empty topic name or filter closes the connection.",
    "MQTT-6.0.0-4": "`mqtt` is selected when offered, `mqttv3.1` for MQTT 3.1 clients; an upgrade offering neither is refused with HTTP 400 (the response lists both), before any MQTT byte.",
}

ID_RE = re.compile(r"\[(MQTT-\d+(?:\.\d+)*-\d+)\]")
ROW_RE = re.compile(r"^\| \[(MQTT-[^\]]+)\] \| ([^|]+) \| ([SBE]) \| ([^|]+) \|")


def checklist_rows():
    rows = []
    for line in CHECKLIST.read_text(encoding="utf-8").splitlines():
        m = ROW_RE.match(line)
        if m:
            rows.append((m.group(1), m.group(2).strip(), m.group(3), m.group(4).strip()))
    return rows


def citations():
    """ID -> sorted 'Class#member': IDs in annotations belong to the next declared member, IDs in a body (a
    parameter table, a message) to the member around them."""
    decl = re.compile(r"^\s*(?:(?:public|protected|private|static|final|default|synchronized|abstract)\s+)*"
                      r"(?:<[^>]+>\s+)?[\w.]+(?:<[^=;()]*>)?(?:\[\])*\s+(\w+)\s*\([^=;]*$")
    cited = {}
    for path in sorted(ROOT.glob("*/src/test/java/**/*.java")):
        cls = path.stem
        current = None
        pending = []
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            ids = ID_RE.findall(line)
            m = decl.match(line) if not stripped.startswith(("@", "return", "new ", "//", "*")) else None
            if m and m.group(1) not in ("if", "for", "while", "switch", "catch", "synchronized"):
                current = m.group(1)
                for i in pending:
                    cited.setdefault(i, set()).add(f"{cls}#{current}")
                pending = []
            if not ids:
                continue
            if stripped.startswith("@"):
                pending.extend(ids)
            else:
                for i in ids:
                    cited.setdefault(i, set()).add(f"{cls}#{current}" if current else cls)
        for i in pending:
            cited.setdefault(i, set()).add(cls)
    return {k: sorted(v) for k, v in cited.items()}


def main():
    rows = checklist_rows()
    cited = citations()
    out = [
        "# MQTT 3.1.1 conformance",
        "",
        "Every normative statement of MQTT 3.1.1 that binds a server (from `shared/spec/mqtt-3.1.1-server-checklist.md`),",
        "the automated tests that cite its ID, and the behaviour Starling chose where the standard leaves a choice.",
        "Generated by `python3 docs/tools/conformance_table.py`; `ConformanceCoverageTest` fails the build when a row",
        "has no test or this file is stale.",
        "",
        "| ID | Section | Binds | Tests | Behaviour chosen (CHOICE rows) |",
        "| --- | --- | --- | --- | --- |",
    ]
    missing = []
    for rid, section, binds, _ in rows:
        tests = cited.get(rid, [])
        if not tests and rid not in DEFERRED:
            missing.append(rid)
        test_text = "<br>".join(f"`{t}`" for t in tests) if tests else f"not yet: {DEFERRED.get(rid, 'MISSING')}"
        out.append(f"| [{rid}] | {section} | {binds} | {test_text} | {CHOICES.get(rid, '')} |")
    out += [
        "",
        f"{len(rows)} server rows; {len(rows) - len(missing) - sum(1 for r in rows if r[0] in DEFERRED and not cited.get(r[0]))} covered by tests here;"
        f" deferred to a later issue: {', '.join(sorted(k for k in DEFERRED if not cited.get(k))) or 'none'}.",
        "",
        "Test classes live in `broker-netty/src/test/java/io/starling/mqtt/netty/conformance/` (wire level, a broker on",
        "port 0), `.../netty/codec/` (decoder and encoder), `broker-core/src/test/java/io/starling/mqtt/topic/` (topic rules",
        "and the trie) and `.../netty/PahoEndToEndIT` (Paho client). `[MQTT-7.0.0-1]` applies to bridges, which Starling",
        "does not offer; its test documents that.",
        "",
    ]
    OUT.write_text("\n".join(out), encoding="utf-8")
    if missing:
        print("rows without a test: " + ", ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
