package io.starling.mqtt.session;

import java.util.function.IntPredicate;

/**
 * Hands out packet identifiers for the server's own QoS 1/2 PUBLISHes toward one client: 1..65535 in a cycle,
 * skipping ids still in flight, so an id is reused only after its PUBACK or PUBCOMP [MQTT-2.3.1-4].
 */
final class PacketIdAllocator {
    private int next = 1;

    /** The next free id; {@code inUse} must leave at least one id free (the inflight window guarantees it). */
    int allocate(IntPredicate inUse) {
        for (int tries = 0; tries < 65_535; tries++) {
            int candidate = next;
            next = next == 65_535 ? 1 : next + 1;
            if (!inUse.test(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("all 65535 packet identifiers are in flight");
    }
}
