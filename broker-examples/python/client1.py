#!/usr/bin/env python3
"""Subscribe to topic/1 as client "client1" and print what arrives: the broker's first-contact example.

Start the standalone broker, run this script, then publish from another client, e.g.

    java -jar broker-examples/target/starling-broker.jar
    python3 broker-examples/python/client1.py            # or: client1.py HOST PORT
    mosquitto_pub -t topic/1 -m "Hello World"             # prints: topic/1 Hello World

Connects to localhost:1883 (keep-alive 60 s) unless HOST and PORT are given, subscribes to topic/1, prints each
message as "TOPIC PAYLOAD", and exits 0 after the first message (or after --count messages). Exits 1 when the
connection fails or nothing arrives within --timeout seconds.

Needs paho-mqtt (Debian: apt-get install python3-paho-mqtt; or pip install paho-mqtt). Works with paho-mqtt 1.x
and 2.x (on 2.x it asks for the 1.x callback signatures).
"""

import argparse
import sys
import threading
import warnings

import paho.mqtt.client as mqtt

CLIENT_ID = "client1"
TOPIC = "topic/1"
KEEPALIVE = 60


def new_client(client_id):
    """A paho client with the 1.x callback signatures, on paho-mqtt 1.x and 2.x alike."""
    if hasattr(mqtt, "CallbackAPIVersion"):
        # paho-mqtt 2.x warns that the 1.x signatures are deprecated; this script uses them on purpose.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return mqtt.Client(mqtt.CallbackAPIVersion.VERSION1, client_id=client_id)
    return mqtt.Client(client_id=client_id)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Subscribe to topic/1 as client1 and print the messages.")
    parser.add_argument("host", nargs="?", default="localhost", help="broker host (default localhost)")
    parser.add_argument("port", nargs="?", type=int, default=1883, help="broker port (default 1883)")
    parser.add_argument("--count", type=int, default=1, help="exit 0 after this many messages (default 1)")
    parser.add_argument("--qos", type=int, default=0, choices=(0, 1, 2), help="subscription QoS (default 0)")
    parser.add_argument("--timeout", type=float, default=20.0,
                        help="give up and exit 1 after this many seconds (default 20)")
    args = parser.parse_args(argv)

    done = threading.Event()
    state = {"received": 0, "error": None}

    def on_connect(client, userdata, flags, rc):
        if rc != 0:
            state["error"] = "connection refused: " + mqtt.connack_string(rc)
            done.set()
            return
        client.subscribe(TOPIC, qos=args.qos)

    def on_message(client, userdata, msg):
        print(msg.topic, msg.payload.decode("utf-8", errors="replace"), flush=True)
        state["received"] += 1
        if state["received"] >= args.count:
            done.set()

    client = new_client(CLIENT_ID)
    client.on_connect = on_connect
    client.on_message = on_message
    try:
        client.connect(args.host, args.port, keepalive=KEEPALIVE)
    except OSError as e:
        print("client1: cannot connect to %s:%d: %s" % (args.host, args.port, e), file=sys.stderr, flush=True)
        return 1

    client.loop_start()
    try:
        finished = done.wait(args.timeout)
    finally:
        client.disconnect()
        client.loop_stop()

    if state["error"] is not None:
        print("client1: " + state["error"], file=sys.stderr, flush=True)
        return 1
    if not finished:
        print("client1: received %d of %d message(s) on %s within %g s"
              % (state["received"], args.count, TOPIC, args.timeout), file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
