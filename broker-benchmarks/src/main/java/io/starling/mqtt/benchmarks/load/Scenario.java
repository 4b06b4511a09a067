package io.starling.mqtt.benchmarks.load;

import java.util.Arrays;
import java.util.List;

/** The scenarios of issue 3, each run the same way against every broker. */
public enum Scenario {
    P2P_QOS0("p2p-qos0", 0, "p2p QoS 0: %s publisher→subscriber pairs on distinct topics, as fast as the broker takes them"),
    P2P_QOS1("p2p-qos1", 1, "p2p QoS 1: %s pairs, inflight window %s per publisher"),
    P2P_QOS1_WS("p2p-qos1-ws", 1, "p2p QoS 1 over WebSocket (ws://, masked binary frames): %s pairs, inflight window %s per publisher"),
    P2P_QOS2("p2p-qos2", 2, "p2p QoS 2: %s pairs, inflight window %s per publisher"),
    FANOUT_QOS0("fanout-qos0", 0, "fan-out QoS 0: 1 publisher, %s subscribers on one topic"),
    FANOUT_QOS1("fanout-qos1", 1, "fan-out QoS 1: 1 publisher (window %s), %s subscribers on one topic"),
    FANIN_QOS1("fanin-qos1", 1, "fan-in QoS 1: %s publishers at %s msg/s each, one subscriber on bench/fanin/#"),
    WILDCARD("wildcard", -1, "wildcard routing: %s subscribers on distinct filters mixing + and #, %s publishers on random topics, QoS %s"),
    LATENCY("latency", 1, "latency: p2p QoS 1, %s pairs at %s msg/s offered in total"),
    P2P_QOS1_PERSISTENT("p2p-qos1-persistent", 1, "p2p QoS 1 to persistent sessions: %s pairs, inflight window %s per "
            + "publisher, subscribers with clean session 0, so a durable broker stores every message"),
    LATENCY_PERSISTENT("latency-persistent", 1, "latency to persistent sessions: p2p QoS 1, %s pairs at %s msg/s offered "
            + "in total, subscribers with clean session 0, so a durable broker stores every message"),
    CONNECTIONS("connections", 0, "connections: %s idle connections from %s source addresses"),
    FLOOD("flood", 1, "flood: a well-behaved client's QoS 1 round trip to itself before and during a burst of hostile "
            + "connection attempts and a client declaring a 256 MB PUBLISH (flood.* parameters)"),
    OVERLOAD("overload", 1, "overload: %s light clients (QoS 1 to themselves at %s msg/s each) measure their round trip "
            + "alone, then while %s heavy QoS 1 publishers offer %s × the broker's calibrated rate (window %s), then "
            + "%s × (overload.* parameters)"),
    SLOW_CONSUMER("slow-consumer", 1, "slow consumer: one QoS 0 and one QoS 1 publisher flood bench/slow/0 and "
            + "bench/slow/1; %s subscribers of bench/slow/+, of which S1 stops reading for %s s (slow.* parameters)");

    private final String id;
    private final int qos;
    private final String description;

    Scenario(String id, int qos, String description) {
        this.id = id;
        this.qos = qos;
        this.description = description;
    }

    public String id() {
        return id;
    }

    /** The QoS of the scenario's publishes and subscriptions. */
    public int qos(Params p) {
        return qos >= 0 ? qos : p.i("wildcard.qos");
    }

    /** A message scenario measures deliveries; the connections scenario measures connects and memory. */
    public boolean carriesMessages() {
        return this != CONNECTIONS && !separate();
    }

    /**
     * Run by its own class ({@code flood.FloodScenario} with {@code flood.*} parameters, {@link OverloadScenario},
     * {@link SlowConsumerScenario}), not by {@link LoadGenerator}'s warm-up and window; the runner dispatches them.
     */
    public boolean separate() {
        return this == FLOOD || this == OVERLOAD || this == SLOW_CONSUMER;
    }

    /** Offered at a fixed rate: msg/s only shows whether the broker keeps up; compare CPU and latency. */
    public boolean fixedRate() {
        return this == FANIN_QOS1 || latency();
    }

    /** A latency scenario: reported with p50/p99/p99.9/max in a section of its own rather than as throughput. */
    public boolean latency() {
        return this == LATENCY || this == LATENCY_PERSISTENT;
    }

    /** The parameter holding a latency scenario's offered rate, messages per second in total. */
    public String rateKey() {
        return this == LATENCY_PERSISTENT ? "latency.persistent.rate" : "latency.rate";
    }

    /** Subscribers connect with clean session 0: a durable broker stores each of their QoS 1/2 messages. */
    public boolean persistentSubscribers() {
        return this == P2P_QOS1_PERSISTENT || this == LATENCY_PERSISTENT;
    }

    /**
     * Left out when no scenario is named: the persistent ones compare Starling's durable store with its in-memory
     * one (issue 6), and the overload and slow-consumer ones (issue 7) overload the broker on purpose, questions of
     * their own that would only lengthen the comparison with the peers.
     */
    public boolean onlyWhenNamed() {
        return persistentSubscribers() || overWebSocket() || this == OVERLOAD || this == SLOW_CONSUMER;
    }

    /**
     * Runs over the broker's WebSocket listener ({@code ws://127.0.0.1:PORT+1/mqtt}) instead of TCP; by name only
     * ({@code run.sh ws}), since only Starling's target has a WebSocket listener here.
     */
    public boolean overWebSocket() {
        return this == P2P_QOS1_WS;
    }

    /**
     * Scenarios the ceiling relay can run: exact topics only, no wildcards, no hostile clients (the relay is no
     * broker: it has no packet size limit or connect timeout to show), no persistent sessions (it has none), and no WebSocket.
     */
    public boolean ceilingRuns() {
        return this != WILDCARD && this != FANIN_QOS1 && !separate() && !persistentSubscribers()
                && !overWebSocket();
    }

    public String describe(Params p) {
        return switch (this) {
            case P2P_QOS0 -> description.formatted(p.get("p2p.pairs"));
            case P2P_QOS1, P2P_QOS1_WS, P2P_QOS2, P2P_QOS1_PERSISTENT -> description.formatted(p.get("p2p.pairs"), p.get("window"));
            case FANOUT_QOS0 -> description.formatted(p.get("fanout.subscribers"));
            case FANOUT_QOS1 -> description.formatted(p.get("window"), p.get("fanout.subscribers"));
            case FANIN_QOS1 -> description.formatted(p.get("fanin.publishers"), p.get("fanin.rate"));
            case WILDCARD -> description.formatted(p.get("wildcard.subscribers"), p.get("wildcard.publishers"),
                    p.get("wildcard.qos"));
            case LATENCY, LATENCY_PERSISTENT -> description.formatted(p.get("latency.pairs"), p.get(rateKey()));
            case CONNECTIONS -> description.formatted(p.get("connections.count"), p.get("connections.sources"));
            case FLOOD -> description;
            case OVERLOAD -> description.formatted(p.get("overload.light"), p.get("overload.light.rate"),
                    p.get("overload.heavy"), p.get("overload.factor"), p.get("overload.window"),
                    p.get("overload.recovery.factor"));
            case SLOW_CONSUMER -> description.formatted(p.get("slow.subscribers"), p.get("slow.after"));
        } + (carriesMessages() ? ", " + p.get("payload") + "-byte payloads" : "");
    }

    public static Scenario byId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown scenario '" + id + "'; known: " + ids()));
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Scenario::id).toList();
    }
}
