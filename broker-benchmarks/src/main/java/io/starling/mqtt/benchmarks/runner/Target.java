package io.starling.mqtt.benchmarks.runner;

import io.starling.mqtt.benchmarks.load.LoadGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A broker the runner starts in its own process: how to launch it on a port, and the settings that make the fight
 * fair, written down once here and quoted in the report. Every JVM target runs with the same JVM flags. The
 * {@code -durable}, {@code -periodic} and {@code -persistent} variants keep sessions on disk, in a data directory
 * that is fresh for each run and deleted after it ({@link #dataDir}).
 */
enum Target {
    STARLING("starling", "Starling", true),
    STARLING_DURABLE("starling-durable", "Starling durable sync", true),
    STARLING_PERIODIC("starling-periodic", "Starling durable periodic", true),
    STARLING_LATENCY("starling-latency", "Starling latency-first", true),
    HIVEMQ("hivemq", "HiveMQ CE", true),
    HIVEMQ_PERSISTENT("hivemq-persistent", "HiveMQ CE file persistence", true),
    MOQUETTE("moquette", "Moquette", true),
    MOSQUITTO("mosquitto", "Mosquitto", false),
    MOSQUITTO_PERSISTENT("mosquitto-persistent", "Mosquitto persistence", false),
    CEILING("ceiling", "ceiling relay", true);

    /** Outbound QoS 1/2 inflight window per client wherever the broker lets us set it. */
    static final int INFLIGHT = 64;
    /** Messages queued per client beyond the inflight window wherever the broker lets us set it. */
    static final int QUEUE = 10_000;
    /**
     * {@link #STARLING_LATENCY}'s {@code overload_loop_busy_fraction}: the overload controller holds the event loop
     * under this share of its time, not just its lag under 100 ms (docs/flow-control.md, "Latency under overload").
     */
    static final double LATENCY_LOOP_BUSY = 0.4;
    /** Commit interval of {@link #STARLING_PERIODIC}. */
    static final int SYNC_INTERVAL_MS = 100;
    /** Mosquitto's {@code autosave_interval} in {@link #MOSQUITTO_PERSISTENT}: seconds, its smallest setting. */
    static final int MOSQUITTO_AUTOSAVE_S = 1;
    /** Per Starling jar: whether its launcher keeps sessions on disk unless told {@code --in-memory}. */
    private static final Map<Path, Boolean> LAUNCHER_HAS_STORE = new ConcurrentHashMap<>();

    private static final Map<Path, Boolean> LAUNCHER_HAS_WEBSOCKET = new ConcurrentHashMap<>();

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
        throw new IllegalArgumentException("unknown target '" + id + "'; known: "
                + String.join(", ", Arrays.stream(values()).map(Target::id).toList()));
    }

    /** The targets of a run without {@code --targets}: every broker as it runs in memory, and the ceiling. */
    static List<Target> defaults() {
        return List.of(STARLING, HIVEMQ, MOQUETTE, MOSQUITTO, CEILING);
    }

    /**
     * Where this target keeps its sessions when it runs from {@code work}, its working directory of the run; null
     * when it keeps them in memory. The runner deletes it once the broker has stopped.
     */
    Path dataDir(Path work) {
        return switch (this) {
            case STARLING_DURABLE, STARLING_PERIODIC, HIVEMQ_PERSISTENT, MOSQUITTO_PERSISTENT -> work.resolve("data");
            default -> null;
        };
    }

    /**
     * Whether a launcher with this usage text keeps sessions on disk unless told {@code --in-memory}: a launcher
     * with a durable store offers the flag (and {@code --data-dir}), one without refuses it.
     */
    static boolean offersInMemory(String usage) {
        return usage.contains("--in-memory");
    }

    /** The settings, for the report. */
    String settings() {
        return switch (this) {
            case STARLING -> "`--in-memory`, config file: `host = 127.0.0.1`, `max_inflight_messages = " + INFLIGHT
                    + "`, `max_queued_messages = " + QUEUE + "`, `queue_overflow_policy = drop_newest` (counted, "
                    + "like the peers' discard; the default `discard_session` would close the subscriber); "
                    + "slf4j-simple at WARN; epoll; `--in-memory` when the launcher has a durable store";
            case STARLING_DURABLE -> "as Starling, but `--data-dir` (a fresh directory per run) instead of "
                    + "`--in-memory`, default `durability = sync`: a QoS 1 message for a persistent session is "
                    + "committed and fsynced (group commit) before its PUBACK; needs a launcher with a durable store";
            case STARLING_LATENCY -> "as Starling, and `overload_loop_busy_fraction = " + LATENCY_LOOP_BUSY + "`: the "
                    + "overload controller's latency-first setting (it throttles the heaviest publishers once the event "
                    + "loop is busy more than " + Math.round(LATENCY_LOOP_BUSY * 100) + " % of the time)";
            case STARLING_PERIODIC -> "as Starling, but `--data-dir` (a fresh directory per run) and `durability = "
                    + "periodic`, `sync_interval_ms = " + SYNC_INTERVAL_MS + "`: acknowledged at once, committed and "
                    + "fsynced every " + SYNC_INTERVAL_MS + " ms; needs a launcher with a durable store";
            case HIVEMQ -> "embedded, `config.xml`: TCP listener on 127.0.0.1, `<persistence><mode>in-memory`, "
                    + "`<queued-messages><max-queue-size>" + QUEUE + "` strategy `discard` (default), "
                    + "anonymous usage statistics off; outbound inflight window " + INFLIGHT
                    + " (`InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES`, not in CE's config.xml; "
                    + "default 50); logback root at WARN; NIO (CE ships no native transport)";
            case HIVEMQ_PERSISTENT -> "as HiveMQ CE, but `<persistence><mode>file` (HiveMQ's default) in a fresh "
                    + "data folder per run";
            case MOQUETTE -> "`host 127.0.0.1`, `persistence_enabled false` (in-memory sessions and queues), "
                    + "`allow_anonymous true`, `netty.epoll true`, `telemetry_enabled false`, websocket off, "
                    + "`session_queue_size " + QUEUE + "` (commands queued per session event loop, default 1024, "
                    + "dropped when full); outbound inflight window fixed at 10 (`BrokerConstants.INFLIGHT_WINDOW_SIZE`, "
                    + "not configurable in 0.17), per-client queues unbounded (no setting); reload4j root at WARN";
            case MOSQUITTO -> "generated config: `listener PORT 127.0.0.1`, `allow_anonymous true`, "
                    + "`persistence false`, `max_inflight_messages " + INFLIGHT + "`, `max_queued_messages " + QUEUE
                    + "`, `max_connections -1`, `set_tcp_nodelay true` (the JVM brokers set TCP_NODELAY), "
                    + "log types error and warning";
            case MOSQUITTO_PERSISTENT -> "as Mosquitto, but `persistence true`, `persistence_location` a fresh "
                    + "directory per run, `autosave_interval " + MOSQUITTO_AUTOSAVE_S + "` (writes and fsyncs its whole "
                    + "database every second; acknowledges at once)";
            case CEILING -> "`CeilingRelay` from broker-benchmarks: exact topics only, forwards each PUBLISH's bytes, "
                    + "acknowledges QoS 1/2 itself; no sessions, queues or retries; epoll";
        };
    }

    /** The command that starts this target on {@code port}; configuration files go into {@code work}. */
    List<String> command(RunnerOptions o, int port, Path work) throws IOException {
        return command(o, port, work, List.of());
    }

    /** As {@link #command(RunnerOptions, int, Path)}, with {@code extraJvmFlags} after the run's JVM flags. */
    List<String> command(RunnerOptions o, int port, Path work, List<String> extraJvmFlags) throws IOException {
        Files.createDirectories(work);
        List<String> cmd = new ArrayList<>();
        if (jvm) {
            cmd.add(o.java());
            cmd.addAll(o.jvmFlags());
            cmd.addAll(extraJvmFlags);
        }
        switch (this) {
            case STARLING, STARLING_DURABLE, STARLING_PERIODIC, STARLING_LATENCY -> {
                Path conf = work.resolve("starling.conf");
                Files.writeString(conf, String.join("\n",
                        "host = 127.0.0.1",
                        "port = " + port,
                        "max_inflight_messages = " + INFLIGHT,
                        "max_queued_messages = " + QUEUE,
                        "queue_overflow_policy = drop_newest",
                        this == STARLING_PERIODIC ? "durability = periodic\nsync_interval_ms = " + SYNC_INTERVAL_MS : "",
                        this == STARLING_LATENCY ? "overload_loop_busy_fraction = " + LATENCY_LOOP_BUSY : "",
                        // For the *-ws scenarios, idle in the others; only where the launcher knows the key (a
                        // STARLING_JAR from before WebSocket listeners would refuse it).
                        launcherHasWebSocket(o) ? "ws_port = " + (port + LoadGenerator.WS_PORT_OFFSET) : "",
                        // Tuning experiments: STARLING_EXTRA_CONFIG="io_threads = 1;native_transport = false".
                        String.join("\n", System.getenv().getOrDefault("STARLING_EXTRA_CONFIG", "").split(";")), ""));
                cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
                cmd.addAll(List.of("-jar", o.starlingJar().toString(), "--config", conf.toString()));
                Path data = dataDir(work);
                if (data != null) {
                    cmd.addAll(List.of("--data-dir", data.toString()));
                } else if (launcherHasStore(o)) {
                    // in memory, as the peers run (Mosquitto persistence false, HiveMQ in-memory, Moquette without
                    // persistence), and never in the launcher's default ./data
                    cmd.add("--in-memory");
                }
            }
            case HIVEMQ, HIVEMQ_PERSISTENT -> cmd.addAll(List.of("-cp", o.hivemqClasspath(), "HiveMqMain",
                    Integer.toString(port), work.toString(), Integer.toString(INFLIGHT), Integer.toString(QUEUE),
                    this == HIVEMQ_PERSISTENT ? "file" : "in-memory"));
            case MOQUETTE -> cmd.addAll(List.of("-cp", o.moquetteClasspath(), "MoquetteMain", Integer.toString(port),
                    work.toString(), Integer.toString(QUEUE)));
            case MOSQUITTO, MOSQUITTO_PERSISTENT -> {
                Path conf = work.resolve("mosquitto.conf");
                Path data = dataDir(work);
                if (data != null) {
                    Files.createDirectories(data);
                    // mosquitto started as root drops to the user mosquitto, which must be able to write its database
                    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
                }
                Files.writeString(conf, String.join("\n",
                        "listener " + port + " 127.0.0.1",
                        "allow_anonymous true",
                        data == null ? "persistence false" : "persistence true\npersistence_location " + data + "/"
                                + "\nautosave_interval " + MOSQUITTO_AUTOSAVE_S,
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
        return this == STARLING || this == STARLING_DURABLE || this == STARLING_PERIODIC || this == STARLING_LATENCY;
    }

    /** Whether the runner has what it needs to start this target; the reason when not. */
    String missing(RunnerOptions o) {
        return switch (this) {
            case STARLING, STARLING_LATENCY -> Files.isRegularFile(o.starlingJar()) ? null
                    : "no jar at " + o.starlingJar();
            case STARLING_DURABLE, STARLING_PERIODIC -> !Files.isRegularFile(o.starlingJar())
                    ? "no jar at " + o.starlingJar()
                    : launcherHasStore(o) ? null : "the launcher in " + o.starlingJar() + " has no durable store";
            case HIVEMQ, HIVEMQ_PERSISTENT -> o.hivemqClasspath() == null ? "no class path (--hivemq-cp)" : null;
            case MOQUETTE -> o.moquetteClasspath() == null ? "no class path (--moquette-cp)" : null;
            case MOSQUITTO, MOSQUITTO_PERSISTENT ->
                    Files.isExecutable(Path.of(o.mosquitto())) ? null : "no executable " + o.mosquitto();
            case CEILING -> null;
        };
    }

    /** Whether the jar's launcher has {@code --ws-port} (and so the {@code ws_port} key); asked once per jar. */
    private static boolean launcherHasWebSocket(RunnerOptions o) {
        return LAUNCHER_HAS_WEBSOCKET.computeIfAbsent(o.starlingJar(), jar -> Files.isRegularFile(jar)
                && Machine.run(o.java(), "-jar", jar.toString(), "--help").contains("--ws-port"));
    }

    /** Asks the jar's launcher for its usage once per jar (about a third of a second). */
    private static boolean launcherHasStore(RunnerOptions o) {
        return LAUNCHER_HAS_STORE.computeIfAbsent(o.starlingJar(), jar -> Files.isRegularFile(jar)
                && offersInMemory(Machine.run(o.java(), "-jar", jar.toString(), "--help")));
    }
}
