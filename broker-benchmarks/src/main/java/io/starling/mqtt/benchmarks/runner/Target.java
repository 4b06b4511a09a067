package io.starling.mqtt.benchmarks.runner;

import io.starling.mqtt.benchmarks.load.LoadGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A broker the runner starts in its own process: how to launch it on a port, and the settings that make the fight
 * fair, written down once here and quoted in the report. Every JVM target runs with the same JVM flags.
 */
enum Target {
    STARLING("starling", "Starling", true),
    HIVEMQ("hivemq", "HiveMQ CE", true),
    MOQUETTE("moquette", "Moquette", true),
    MOSQUITTO("mosquitto", "Mosquitto", false),
    CEILING("ceiling", "ceiling relay", true);

    /** Outbound QoS 1/2 inflight window per client wherever the broker lets us set it. */
    static final int INFLIGHT = 64;
    /** Messages queued per client beyond the inflight window wherever the broker lets us set it. */
    static final int QUEUE = 10_000;

    private final String id;
    private final String label;
    private final boolean jvm;

    Target(String id, String label, boolean jvm) {
        this.id = id;
        this.label = label;
        this.jvm = jvm;
    }

    String id() {
        return id;
    }

    String label() {
        return label;
    }

    boolean jvm() {
        return jvm;
    }

    static Target byId(String id) {
        for (Target t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown target '" + id + "'; known: starling, hivemq, moquette, mosquitto, ceiling");
    }

    /** The settings, for the report. */
    String settings() {
        return switch (this) {
            case STARLING -> "`--in-memory`, config file: `host = 127.0.0.1`, `max_inflight_messages = " + INFLIGHT
                    + "`, `max_queued_messages = " + QUEUE + "`, `queue_overflow_policy = drop_newest` (counted, "
                    + "like the peers' discard; the default `discard_session` would close the subscriber); "
                    + "slf4j-simple at WARN; epoll";
            case HIVEMQ -> "embedded, `config.xml`: TCP listener on 127.0.0.1, `<persistence><mode>in-memory`, "
                    + "`<queued-messages><max-queue-size>" + QUEUE + "` strategy `discard` (default), "
                    + "anonymous usage statistics off; outbound inflight window " + INFLIGHT
                    + " (`InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES`, not in CE's config.xml; "
                    + "default 50); logback root at WARN; NIO (CE ships no native transport)";
            case MOQUETTE -> "`host 127.0.0.1`, `persistence_enabled false` (in-memory sessions and queues), "
                    + "`allow_anonymous true`, `netty.epoll true`, `telemetry_enabled false`, websocket off, "
                    + "`session_queue_size " + QUEUE + "` (commands queued per session event loop, default 1024, "
                    + "dropped when full); outbound inflight window fixed at 10 (`BrokerConstants.INFLIGHT_WINDOW_SIZE`, "
                    + "not configurable in 0.17), per-client queues unbounded (no setting); reload4j root at WARN";
            case MOSQUITTO -> "generated config: `listener PORT 127.0.0.1`, `allow_anonymous true`, "
                    + "`persistence false`, `max_inflight_messages " + INFLIGHT + "`, `max_queued_messages " + QUEUE
                    + "`, `max_connections -1`, `set_tcp_nodelay true` (the JVM brokers set TCP_NODELAY), "
                    + "log types error and warning";
            case CEILING -> "`CeilingRelay` from broker-benchmarks: exact topics only, forwards each PUBLISH's bytes, "
                    + "acknowledges QoS 1/2 itself; no sessions, queues or retries; epoll";
        };
    }

    /** The command that starts this target on {@code port}; configuration files go into {@code work}. */
    List<String> command(RunnerOptions o, int port, Path work) throws IOException {
        Files.createDirectories(work);
        List<String> cmd = new ArrayList<>();
        if (jvm) {
            cmd.add(o.java());
            cmd.addAll(o.jvmFlags());
        }
        switch (this) {
            case STARLING -> {
                Path conf = work.resolve("starling.conf");
                Files.writeString(conf, String.join("\n",
                        "host = 127.0.0.1",
                        "port = " + port,
                        "max_inflight_messages = " + INFLIGHT,
                        "max_queued_messages = " + QUEUE,
                        "queue_overflow_policy = drop_newest",
                        // For the *-ws scenarios; idle in the others.
                        "ws_port = " + (port + LoadGenerator.WS_PORT_OFFSET),
                        // Tuning experiments: STARLING_EXTRA_CONFIG="io_threads = 1;native_transport = false".
                        String.join("\n", System.getenv().getOrDefault("STARLING_EXTRA_CONFIG", "").split(";")), ""));
                cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
                // In memory, as the peers run (Mosquitto persistence false, HiveMQ in-memory, Moquette without persistence).
                cmd.addAll(List.of("-jar", o.starlingJar().toString(), "--config", conf.toString(), "--in-memory"));
            }
            case HIVEMQ -> cmd.addAll(List.of("-cp", o.hivemqClasspath(), "HiveMqMain", Integer.toString(port),
                    work.toString(), Integer.toString(INFLIGHT), Integer.toString(QUEUE)));
            case MOQUETTE -> cmd.addAll(List.of("-cp", o.moquetteClasspath(), "MoquetteMain", Integer.toString(port),
                    work.toString(), Integer.toString(QUEUE)));
            case MOSQUITTO -> {
                Path conf = work.resolve("mosquitto.conf");
                Files.writeString(conf, String.join("\n",
                        "listener " + port + " 127.0.0.1",
                        "allow_anonymous true",
                        "persistence false",
                        "max_inflight_messages " + INFLIGHT,
                        "max_queued_messages " + QUEUE,
                        "max_connections -1",
                        "set_tcp_nodelay true",
                        "log_dest stderr",
                        "log_type error",
                        "log_type warning", ""));
                cmd.addAll(List.of(o.mosquitto(), "-c", conf.toString()));
            }
            case CEILING -> cmd.addAll(List.of("-cp", o.ownClasspath(), "io.starling.mqtt.benchmarks.relay.CeilingRelay",
                    "--host", "127.0.0.1", "--port", Integer.toString(port)));
        }
        return cmd;
    }

    /**
     * Whether the target serves MQTT over WebSocket next to TCP (on the port after its MQTT port). Debian's
     * Mosquitto 2.0.11 is built without websockets ("Unable to start any listening sockets" for
     * {@code protocol websockets}); the peers' launchers start TCP only.
     */
    boolean webSocket() {
        return this == STARLING;
    }

    /** Whether the runner has what it needs to start this target; the reason when not. */
    String missing(RunnerOptions o) {
        return switch (this) {
            case STARLING -> Files.isRegularFile(o.starlingJar()) ? null : "no jar at " + o.starlingJar();
            case HIVEMQ -> o.hivemqClasspath() == null ? "no class path (--hivemq-cp)" : null;
            case MOQUETTE -> o.moquetteClasspath() == null ? "no class path (--moquette-cp)" : null;
            case MOSQUITTO -> Files.isExecutable(Path.of(o.mosquitto())) ? null : "no executable " + o.mosquitto();
            case CEILING -> null;
        };
    }
}
