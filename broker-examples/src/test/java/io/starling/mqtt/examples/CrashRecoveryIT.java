package io.starling.mqtt.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash test of durable persistence (issue 6): the standalone launcher with its durable store in a child JVM,
 * killed with SIGKILL at a random moment while publishers send QoS 1 and QoS 2 messages to persistent subscribers
 * that are connected, connecting or offline; restarted on the same data directory, over and over. At the end, every
 * message whose PUBACK or PUBREC its publisher received has reached every subscriber, QoS 2 ones exactly once, and
 * per publisher and topic in order. Raw-socket clients ({@link CrashClient}) decide every acknowledgement, so the
 * test knows exactly what the broker acknowledged before it died.
 *
 * <p>Broker output goes to {@code <target>/crash-recovery-it/}, one file pair per start. {@code -Dcrash.seed=N}
 * repeats a run's choices (subscriber modes, kill moments); the timing of the broker never repeats exactly.
 */
class CrashRecoveryIT {
    static final int CYCLES = 20;
    static final int PUBLISHERS = 2;
    /** Unacknowledged messages a publisher may have at once. */
    static final int WINDOW = 10;
    /** Pause between a publisher's messages: some hundreds per cycle, so offline queues stay a few thousand long. */
    static final Duration PUBLISH_INTERVAL = Duration.ofMillis(2);
    /** A bound only: the kill comes first. */
    static final int MAX_NEW_PER_CYCLE = 2_000;
    static final int PAYLOAD_BYTES = 100;
    /** The kill comes this long after the publishers start: uniformly in [min, max]. */
    static final Duration KILL_AFTER_MIN = Duration.ofMillis(100);
    static final Duration KILL_AFTER_MAX = Duration.ofMillis(800);
    /** After the last kill: how long the final broker may take to deliver everything, then the silence awaited. */
    static final Duration DRAIN = Duration.ofSeconds(30);
    static final Duration QUIET = Duration.ofSeconds(1);
    /** A client must see its connection end this soon after the kill. */
    static final Duration CONNECTION_END = Duration.ofSeconds(10);

    /** What a subscriber does during one cycle. */
    private enum Mode {
        /** Connected before the publishers start, reading throughout. */
        ONLINE,
        /** Connects at a random moment while the publishers run: its backlog, then the live stream. */
        LATE,
        /** Away the whole cycle: the session queues. */
        OFFLINE
    }

    @TempDir
    Path data;

    private final List<CrashBroker> brokers = new ArrayList<>();
    private final List<CrashPublisher> publishers = new ArrayList<>();
    private final List<CrashSubscriber> subscribers = new ArrayList<>();

    @BeforeAll
    static void jarIsBuilt() {
        assertThat(CrashBroker.jar())
                .as("the shaded jar; build it with mvn package (failsafe runs after package in verify)")
                .isRegularFile();
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (CrashPublisher p : publishers) {
            p.stopWorker();
        }
        subscribers.forEach(CrashSubscriber::disconnect);
        brokers.forEach(CrashBroker::destroyIfAlive);
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    @DisplayName("SIGKILL at random moments over 20 restarts: every acknowledged message reaches every persistent "
            + "subscriber, QoS 2 exactly once, in order per topic")
    void acknowledgedMessagesSurviveSigkill() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        Path logs = logDirectory();
        // Subscribers may stay away for several cycles: their queues must not hit the default limit of 1,000.
        Path config = Files.writeString(logs.resolve("crash.conf"), "max_queued_messages = 1000000\n");
        for (int i = 0; i < PUBLISHERS; i++) {
            publishers.add(new CrashPublisher(i, WINDOW, PUBLISH_INTERVAL, PAYLOAD_BYTES));
        }
        for (int qos = 1; qos <= 2; qos++) {
            subscribers.add(new CrashSubscriber("crash-sub-q" + qos + "-a", qos));
            subscribers.add(new CrashSubscriber("crash-sub-q" + qos + "-b", qos));
        }
        long started = System.nanoTime();
        int unacknowledgedAtKills = 0;
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            unacknowledgedAtKills += killedCycle(cycle, random, logs, config);
        }
        boolean drained = drainOnCleanStart(logs, config);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

        Map<String, CrashPublisher.Sent> sent = CrashAudit.byId(publishers.stream()
                .flatMap(p -> p.sent().stream()).toList());
        Set<String> acknowledged = new HashSet<>();
        Map<String, String> history = new HashMap<>();
        publishers.forEach(p -> {
            acknowledged.addAll(p.acknowledged().keySet());
            history.putAll(p.history());
        });
        List<CrashAudit.Findings> findings = subscribers.stream()
                .map(s -> CrashAudit.audit(s.clientId(), s.qos(), s.deliveries(), sent, acknowledged, history,
                        s.discarded()))
                .toList();
        List<String> anomalies = Stream.concat(
                publishers.stream().flatMap(p -> p.anomalies().stream().map(a -> p.clientId() + ": " + a)),
                subscribers.stream().flatMap(s -> s.anomalies().stream().map(a -> s.clientId() + ": " + a))).toList();

        long qos2 = acknowledged.stream().filter(id -> sent.get(id).qos() == 2).count();
        System.out.printf("CrashRecoveryIT: %d cycles (seed %d) in %d s; %d publishers sent %d messages, "
                        + "%d acknowledged (%d QoS 1, %d QoS 2), %d unacknowledged at the kills; delivered %s; "
                        + "QoS 1 duplicates %d; QoS 2 duplicates %d; missing %d; "
                        + "QoS 2 re-sends discarded by subscribers %d%n",
                CYCLES, seed, seconds, PUBLISHERS, sent.size(), acknowledged.size(), acknowledged.size() - qos2, qos2,
                unacknowledgedAtKills,
                findings.stream().map(f -> f.subscriber() + "=" + f.delivered()).collect(Collectors.joining(" ")),
                findings.stream().mapToInt(CrashAudit.Findings::qos1Duplicates).sum(),
                findings.stream().mapToInt(f -> f.duplicatedQos2().size()).sum(),
                findings.stream().mapToInt(f -> f.missing().size()).sum(),
                subscribers.stream().mapToInt(CrashSubscriber::discardedRedeliveries).sum());

        String report = "seed " + seed + ", broker logs in " + logs + "\n"
                + (drained ? "" : "not drained within " + DRAIN + ": " + undrained() + "\n")
                + (anomalies.isEmpty() ? "" : "protocol anomalies:\n  " + String.join("\n  ", anomalies) + "\n")
                + findings.stream().filter(f -> !f.clean()).map(CrashAudit.Findings::describe)
                        .collect(Collectors.joining("\n"));
        Files.writeString(logs.resolve("report.txt"), report);
        assertThat(findings.stream().allMatch(CrashAudit.Findings::clean) && anomalies.isEmpty())
                .as("crash recovery\n%s", report).isTrue();
        assertThat(drained).as("drained\n%s", report).isTrue();
        assertThat(acknowledged).as("every message sent was acknowledged in the end").hasSize(sent.size());
    }

    /**
     * One cycle: start the broker on the data directory, bring subscribers in as their random modes say, publish,
     * SIGKILL the broker at a random moment, wait until every client has seen its connection end. Returns how many
     * messages were unacknowledged at the kill.
     */
    private int killedCycle(int cycle, Random random, Path logs, Path config) throws Exception {
        CrashBroker broker = launch(logs, "cycle-" + cycle, config);
        int port = broker.port();
        Map<CrashSubscriber, Mode> modes = new LinkedHashMap<>();
        subscribers.forEach(s -> modes.put(s, Mode.values()[random.nextInt(Mode.values().length)]));
        for (CrashSubscriber s : subscribers) {
            if (cycle == 1) {
                // Everyone subscribes before the first message, so every message is for every subscriber.
                s.connect(port, cycle);
                if (modes.get(s) != Mode.ONLINE) {
                    s.disconnect();
                }
            } else if (modes.get(s) == Mode.ONLINE) {
                s.connect(port, cycle);
            }
        }
        int sentBefore = sentCount();
        for (CrashPublisher p : publishers) {
            p.start(port, MAX_NEW_PER_CYCLE, cycle);
        }
        long killAfter = KILL_AFTER_MIN.toMillis()
                + random.nextInt((int) (KILL_AFTER_MAX.toMillis() - KILL_AFTER_MIN.toMillis()) + 1);
        ScheduledExecutorService late = Executors.newSingleThreadScheduledExecutor();
        try {
            modes.forEach((s, mode) -> {
                if (mode == Mode.LATE) {
                    late.schedule(() -> connectUnlessDead(s, port, cycle), random.nextInt((int) killAfter),
                            TimeUnit.MILLISECONDS);
                }
            });
            // Not a wait for a condition: the random moment of the kill is what the test varies.
            Thread.sleep(killAfter);
            broker.kill();
            late.shutdown();
            assertThat(late.awaitTermination(CONNECTION_END.toMillis(), TimeUnit.MILLISECONDS))
                    .as("late connects finished").isTrue();
        } finally {
            late.shutdownNow();
        }
        int unacknowledged = 0;
        for (CrashPublisher p : publishers) {
            p.awaitStopped(CONNECTION_END);
            unacknowledged += p.unacknowledgedCount();
        }
        for (CrashSubscriber s : subscribers) {
            s.awaitDisconnected(CONNECTION_END);
        }
        int sentInCycle = sentCount() - sentBefore;
        System.out.printf("CrashRecoveryIT cycle %d: killed %d ms after the publishers started; %d new messages, "
                        + "%d unacknowledged at the kill; subscribers %s%n", cycle, killAfter, sentInCycle,
                unacknowledged, modes.entrySet().stream().map(e -> e.getKey().clientId() + "=" + e.getValue())
                        .collect(Collectors.joining(" ")));
        assertThat(sentInCycle).as("cycle %d: the publishers were publishing when the broker was killed", cycle)
                .isPositive();
        return unacknowledged;
    }

    /**
     * A last start, without a kill: everyone comes back, publishers finish their open flows, subscribers drain until
     * quiet; then a clean stop. Returns whether everything acknowledged arrived within {@link #DRAIN}.
     */
    private boolean drainOnCleanStart(Path logs, Path config) throws Exception {
        CrashBroker last = launch(logs, "final", config);
        for (CrashSubscriber s : subscribers) {
            s.connect(last.port(), CYCLES + 1);
        }
        for (CrashPublisher p : publishers) {
            p.start(last.port(), 0, CYCLES + 1);
        }
        boolean drained = awaitDrained();
        // Whatever else the broker still sends (a duplicate, say) arrives before the verdict.
        await().atMost(QUIET.multipliedBy(10)).pollInterval(Duration.ofMillis(100)).until(() ->
                System.nanoTime() - subscribers.stream().mapToLong(CrashSubscriber::lastPacketNanos).max().orElseThrow()
                        > QUIET.toNanos());
        publishers.forEach(CrashPublisher::disconnect);
        subscribers.forEach(CrashSubscriber::disconnect);
        last.stop();
        return drained;
    }

    private CrashBroker launch(Path logs, String name, Path config) throws IOException {
        CrashBroker broker = CrashBroker.start(logs, name, "--port", "0", "--data-dir", data.toString(),
                "--config", config.toString());
        brokers.add(broker);
        return broker;
    }

    private static void connectUnlessDead(CrashSubscriber s, int port, int cycle) {
        try {
            s.connect(port, cycle);
        } catch (IOException e) {
            // The broker was killed before this subscriber got in: it stays offline this cycle.
        }
    }

    private int sentCount() {
        return publishers.stream().mapToInt(p -> p.sent().size()).sum();
    }

    /** True once no publisher has a flow open and every subscriber got every acknowledged message. */
    private boolean awaitDrained() {
        try {
            await().atMost(DRAIN).pollInterval(Duration.ofMillis(250)).until(() -> undrained().isEmpty());
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** What is still open or missing, one item per client; empty when drained. */
    private String undrained() {
        Set<String> acknowledged = new HashSet<>();
        publishers.forEach(p -> acknowledged.addAll(p.acknowledged().keySet()));
        List<String> open = new ArrayList<>();
        for (CrashPublisher p : publishers) {
            if (p.inflightCount() > 0) {
                open.add(p.clientId() + " has " + p.inflightCount() + " flows open");
            }
        }
        for (CrashSubscriber s : subscribers) {
            Set<String> got = s.deliveries().stream().map(CrashSubscriber.Delivery::id).collect(Collectors.toSet());
            long missing = acknowledged.stream().filter(id -> !got.contains(id)).count();
            if (missing > 0 || s.awaitingReleaseCount() > 0) {
                open.add(s.clientId() + " misses " + missing + ", awaits PUBREL for " + s.awaitingRelease());
            }
        }
        return String.join("; ", open);
    }

    /** {@code <target>/crash-recovery-it}, emptied: kept after the run for a failure's analysis. */
    private static Path logDirectory() throws IOException {
        Path logs = CrashBroker.jar().getParent().resolve("crash-recovery-it");
        if (Files.exists(logs)) {
            try (Stream<Path> old = Files.walk(logs)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return Files.createDirectories(logs);
    }
}
