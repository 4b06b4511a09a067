package io.starling.mqtt.benchmarks.runner;

import io.starling.mqtt.benchmarks.flood.AttackTally;
import io.starling.mqtt.benchmarks.flood.FloodResult;
import io.starling.mqtt.benchmarks.flood.FloodScenario;
import io.starling.mqtt.benchmarks.flood.RttSummary;
import io.starling.mqtt.benchmarks.load.Counters;
import io.starling.mqtt.benchmarks.load.GcLogged;
import io.starling.mqtt.benchmarks.load.LoadGenerator;
import io.starling.mqtt.benchmarks.load.OverloadResult;
import io.starling.mqtt.benchmarks.load.OverloadScenario;
import io.starling.mqtt.benchmarks.load.Scenario;
import io.starling.mqtt.benchmarks.load.ScenarioResult;
import io.starling.mqtt.benchmarks.load.SlowConsumerResult;
import io.starling.mqtt.benchmarks.load.SlowConsumerScenario;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs every scenario against every broker, one broker process at a time, each started fresh for each scenario on
 * the same port with the same JVM flags; then writes the results as CSV and, with {@code --report}, the
 * Markdown report and its charts. Normally started by {@code broker-benchmarks/run.sh}.
 */
public final class Runner {
    private Runner() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        RunnerOptions o;
        try {
            o = RunnerOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        long t0 = System.nanoTime();
        int port = o.port() > 0 ? o.port() : BrokerProcess.freePort();
        Path work = o.work().resolve(o.mode());
        Map<Target, String> unavailable = new LinkedHashMap<>();
        List<Target> targets = new ArrayList<>();
        for (Target t : o.targets()) {
            String missing = t.missing(o);
            if (missing != null) {
                unavailable.put(t, missing);
                System.out.println("skipping " + t.label() + ": " + missing);
            } else {
                targets.add(t);
            }
        }
        System.out.printf("mode %s, port %d, scenarios %s, targets %s%n", o.mode(), port,
                o.scenarios().stream().map(Scenario::id).toList(), targets.stream().map(Target::id).toList());
        List<ScenarioResult> results = new ArrayList<>();
        List<FloodResult> floods = new ArrayList<>();
        List<OverloadResult> overloads = new ArrayList<>();
        List<SlowConsumerResult> slows = new ArrayList<>();
        Map<Target, Double> startSeconds = new LinkedHashMap<>();
        for (Scenario scenario : o.scenarios()) {
            for (Target target : targets) {
                if (target == Target.CEILING && !scenario.ceilingRuns()
                        || scenario.overWebSocket() && !target.webSocket()) {
                    continue;
                }
                long s0 = System.nanoTime();
                String summary;
                if (scenario == Scenario.FLOOD) {
                    FloodResult r = runFlood(o, target, port, work, startSeconds);
                    floods.add(r);
                    summary = r.summary();
                } else if (scenario == Scenario.OVERLOAD) {
                    OverloadResult r = runOverload(o, target, port, work, startSeconds);
                    overloads.add(r);
                    summary = r.summary();
                } else if (scenario == Scenario.SLOW_CONSUMER) {
                    SlowConsumerResult r = runSlowConsumer(o, target, port, work, startSeconds);
                    slows.add(r);
                    summary = r.summary();
                } else {
                    ScenarioResult r = runOne(o, target, scenario, port, work, startSeconds);
                    results.add(r);
                    summary = r.summary();
                }
                System.out.printf("%s  [%.1f s]%n", summary, (System.nanoTime() - s0) / 1e9);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!results.isEmpty()) {
            writeCsv(work.resolve("results.csv"), results);
            System.out.printf("results: %s%n", work.resolve("results.csv"));
        }
        if (!floods.isEmpty()) {
            writeFloodCsv(work.resolve("flood.csv"), floods);
            System.out.printf("flood results: %s%n", work.resolve("flood.csv"));
        }
        if (!overloads.isEmpty() || !slows.isEmpty()) {
            OverloadCsv.write(work, overloads, slows);
            System.out.printf("overload and slow-consumer results: %s%n", work);
        }
        if (o.report() != null) {
            Path charts = o.charts() != null ? o.charts() : o.report().resolveSibling("performance");
            new Report(o, results, floods, new OverloadReport(o, overloads, slows, charts), targets, unavailable,
                    startSeconds, seconds, charts).write();
            System.out.printf("report: %s, charts in %s%n", o.report(), charts);
        }
        System.out.printf("runner finished in %.0f s%n", seconds);
    }

    private static ScenarioResult runOne(RunnerOptions o, Target target, Scenario scenario, int port, Path work,
            Map<Target, Double> startSeconds) throws InterruptedException {
        return withBroker(o, target, scenario, port, work, startSeconds,
                why -> ScenarioResult.failed(scenario.id(), target.id(), why, -1),
                (broker, log) -> {
                    ScenarioResult r = new LoadGenerator("127.0.0.1", port, o.params(), broker).run(scenario)
                            .withTarget(target.id());
                    if (!broker.alive()) {
                        return ScenarioResult.failed(scenario.id(), target.id(),
                                "broker process died; log: " + BrokerProcess.tail(log), r.peakRssBytes());
                    }
                    return r;
                });
    }

    /**
     * The flood scenario against a fresh broker. What a misbehaving broker does (it dies, it stops answering) is
     * recorded in the result with the figures up to then, never thrown.
     */
    private static FloodResult runFlood(RunnerOptions o, Target target, int port, Path work,
            Map<Target, Double> startSeconds) throws InterruptedException {
        double threshold = o.flood().d("flood.threshold.ms");
        return withBroker(o, target, Scenario.FLOOD, port, work, startSeconds,
                why -> FloodResult.failed(target.id(), why, threshold),
                (broker, log) -> {
                    FloodResult r;
                    try {
                        r = new FloodScenario("127.0.0.1", port, o.flood(), broker).run().withTarget(target.id());
                    } catch (RuntimeException e) {
                        r = FloodResult.failed(target.id(), "scenario: " + e, threshold);
                    }
                    return broker.alive() ? r : r.withError("broker process died; log: " + BrokerProcess.tail(log));
                });
    }

    /**
     * The overload scenario against a fresh broker; a JVM broker writes a GC log, whose pauses go into the result.
     * Never throws for what the broker does.
     */
    private static OverloadResult runOverload(RunnerOptions o, Target target, int port, Path work,
            Map<Target, Double> startSeconds) throws InterruptedException {
        return withGcLog(o, target, Scenario.OVERLOAD, port, work, startSeconds,
                why -> OverloadResult.failed(target.id(), why),
                broker -> new OverloadScenario("127.0.0.1", port, o.params(), broker).run().withTarget(target.id()));
    }

    /** The slow-consumer scenario against a fresh broker, as {@link #runOverload}. */
    private static SlowConsumerResult runSlowConsumer(RunnerOptions o, Target target, int port, Path work,
            Map<Target, Double> startSeconds) throws InterruptedException {
        return withGcLog(o, target, Scenario.SLOW_CONSUMER, port, work, startSeconds,
                why -> SlowConsumerResult.failed(target.id(), why),
                broker -> new SlowConsumerScenario("127.0.0.1", port, o.params(), broker).run()
                        .withTarget(target.id()));
    }

    /** What runs a scenario against a started broker. */
    private interface Run<R> {
        R run(BrokerProcess broker) throws InterruptedException;
    }

    /**
     * {@code scenario} against a fresh broker that writes a GC log if it is a JVM; the log's pauses, an
     * OutOfMemoryError in the broker's log and a dead broker go into the result.
     */
    private static <R extends GcLogged<R>> R withGcLog(RunnerOptions o, Target target, Scenario scenario, int port,
            Path work, Map<Target, Double> startSeconds, java.util.function.Function<String, R> failed, Run<R> run)
            throws InterruptedException {
        Path gc = work.resolve("logs").resolve(target.id() + "-" + scenario.id() + ".gc.log");
        return withBroker(o, target, scenario, port, work, startSeconds,
                target.jvm() ? GcLog.flags(gc) : List.of(), failed,
                (broker, log) -> {
                    R r;
                    try {
                        r = run.run(broker);
                    } catch (RuntimeException e) {
                        r = failed.apply("scenario: " + e);
                    }
                    r = r.withHeap(GcLog.read(gc, r.startEpochMillis()));
                    String oom = outOfMemory(log);
                    if (oom != null) {
                        r = r.withError(oom);
                    }
                    return broker.alive() ? r : r.withError("broker process died; log: " + BrokerProcess.tail(log));
                });
    }

    /** The first line of the broker's log that mentions an OutOfMemoryError, or null. */
    static String outOfMemory(Path log) {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains("OutOfMemoryError")).findFirst()
                    .map(l -> "broker log: " + (l.length() > 200 ? l.substring(0, 200) + "…" : l)).orElse(null);
        } catch (IOException | java.io.UncheckedIOException e) {
            return null;
        }
    }

    /** What runs against a started broker. */
    private interface Load<R> {
        R run(BrokerProcess broker, Path log) throws InterruptedException;
    }

    /** Starts {@code target} fresh for {@code scenario}, runs {@code load} against it, stops it. */
    private static <R> R withBroker(RunnerOptions o, Target target, Scenario scenario, int port, Path work,
            Map<Target, Double> startSeconds, java.util.function.Function<String, R> failed, Load<R> load)
            throws InterruptedException {
        return withBroker(o, target, scenario, port, work, startSeconds, List.of(), failed, load);
    }

    /** As above, with {@code extraJvmFlags} for a JVM broker. */
    private static <R> R withBroker(RunnerOptions o, Target target, Scenario scenario, int port, Path work,
            Map<Target, Double> startSeconds, List<String> extraJvmFlags, java.util.function.Function<String, R> failed,
            Load<R> load) throws InterruptedException {
        Path dir = work.resolve("brokers").resolve(target.id() + "-" + scenario.id());
        Path log = work.resolve("logs").resolve(target.id() + "-" + scenario.id() + ".log");
        try {
            deleteTree(dir);
        } catch (IOException e) {
            return failed.apply("cannot clean " + dir + ": " + e);
        }
        BrokerProcess broker;
        try {
            broker = BrokerProcess.start(target, o, port, dir, log, extraJvmFlags);
        } catch (IOException e) {
            return failed.apply("start: " + e.getMessage());
        }
        startSeconds.merge(target, broker.startSeconds(), Math::max);
        long stopAt = 0;
        try {
            return load.run(broker, log);
        } finally {
            stopAt = System.nanoTime();
            broker.stop();
            System.out.printf("  %s: started in %.1f s, stopped in %.1f s%n", target.id(), broker.startSeconds(),
                    (System.nanoTime() - stopAt) / 1e9);
            deleteDataDir(target.dataDir(dir));
        }
    }

    /** A run's data directory goes once its broker has stopped: it may hold gigabytes of queued messages. */
    private static void deleteDataDir(Path data) {
        if (data == null) {
            return;
        }
        try {
            deleteTree(data);
        } catch (IOException e) {
            System.out.printf("  cannot delete %s: %s%n", data, e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static void writeCsv(Path file, List<ScenarioResult> results) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder sb = new StringBuilder("scenario,target,error,window_s,delivered,published,delivered_per_s,"
                + "broker_cpu_s,delivered_per_cpu_s,generator_cpu_s,peak_rss_bytes,sent,completed,expected,received,"
                + "unique,missing,duplicates,late,too_old,foreign,disconnects,errors,window_stalls,unexpected_acks,"
                + "inflight_end,p50_ns,p99_ns,p999_ns,max_ns,connections,connects_per_s,rss_per_conn,heap_per_conn,setup_s,"
                + "setup_retries,drain_s,ack_p50_ns,ack_p99_ns,ack_p999_ns,ack_max_ns\n");
        for (ScenarioResult r : results) {
            Counters c = r.totals();
            sb.append(String.join(",", r.scenario(), r.target(),
                    r.error() == null ? "" : '"' + r.error().replace('"', '\'') + '"',
                    num(r.windowSeconds()), Long.toString(r.delivered()), Long.toString(r.published()),
                    num(r.deliveredPerSecond()), num(r.brokerCpuSeconds()), num(r.deliveredPerCpuSecond()),
                    num(r.generatorCpuSeconds()), Long.toString(r.peakRssBytes()), Long.toString(c.sent()),
                    Long.toString(c.completed()), Long.toString(c.expected()), Long.toString(c.received()),
                    Long.toString(c.unique()), Long.toString(c.missing()), Long.toString(c.duplicates()),
                    Long.toString(c.late()), Long.toString(c.tooOld()), Long.toString(c.foreign()),
                    Long.toString(c.disconnects()), Long.toString(c.errors()), Long.toString(c.windowStalls()),
                    Long.toString(c.unexpectedAcks()), Long.toString(c.inflight()), Long.toString(r.latency(0)),
                    Long.toString(r.latency(1)), Long.toString(r.latency(2)), Long.toString(r.latency(3)),
                    Integer.toString(r.connections()), num(r.connectsPerSecond()), Long.toString(r.rssPerConnection()),
                    Long.toString(r.heapPerConnection()), num(r.setup().seconds()),
                    Integer.toString(r.setup().retries()), num(r.setup().drainSeconds()),
                    Long.toString(r.ackLatency(0)), Long.toString(r.ackLatency(1)), Long.toString(r.ackLatency(2)),
                    Long.toString(r.ackLatency(3)))).append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    static void writeFloodCsv(Path file, List<FloodResult> results) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder sb = new StringBuilder("target,error,pass,threshold_ms,baseline_messages,baseline_missing,"
                + "baseline_p50_ns,baseline_p99_ns,baseline_max_ns,attack_messages,attack_missing,attack_p50_ns,"
                + "attack_p99_ns,attack_max_ns,burst_messages,burst_p50_ns,burst_max_ns,burst_s,probe_closed,"
                + "attempts,connected,refused,timed_out,failed,pending_at_end,connacked,closed_by_broker,still_held,"
                + "big_connacked,big_header_sent,big_closed,big_body_bytes,big_ms_to_close,big_sent_whole,big_note,"
                + "rss_before_attack,rss_max_in_attack,peak_rss,broker_cpu_attack_s\n");
        for (FloodResult r : results) {
            AttackTally.KindCounts t = r.attempts().total();
            RttSummary b = r.baseline();
            RttSummary a = r.attack();
            var big = r.bigPacket();
            sb.append(String.join(",", r.target(), quote(r.error()), Boolean.toString(r.pass()),
                    num(r.thresholdMillis()), Integer.toString(b.messages()), Integer.toString(b.missing()),
                    Long.toString(b.p50Nanos()), Long.toString(b.p99Nanos()), Long.toString(b.maxNanos()),
                    Integer.toString(a.messages()), Integer.toString(a.missing()), Long.toString(a.p50Nanos()),
                    Long.toString(a.p99Nanos()), Long.toString(a.maxNanos()), Integer.toString(r.burst().messages()),
                    Long.toString(r.burst().p50Nanos()), Long.toString(r.burst().maxNanos()), num(r.burstSeconds()),
                    quote(r.probeClosed()), Long.toString(t.attempted()), Long.toString(t.connected()),
                    Long.toString(t.refused()), Long.toString(t.timedOut()), Long.toString(t.failed()),
                    Long.toString(t.pending()), Long.toString(t.connacked()), Long.toString(t.closedByBroker()),
                    Long.toString(r.attempts().stillHeld()), Boolean.toString(big.connacked()),
                    Boolean.toString(big.headerSent()), Boolean.toString(big.closedByBroker()),
                    Long.toString(big.bytesAfterHeader()), num(big.millisToClose()), Boolean.toString(big.sentWhole()),
                    quote(big.note()), Long.toString(r.rssBeforeAttack()), Long.toString(r.rssMaxInAttack()),
                    Long.toString(r.peakRssBytes()), num(r.brokerCpuSeconds()))).append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
        return s == null ? "" : '"' + s.replace('"', '\'') + '"';
    }

    private static String num(double d) {
        return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.3f", d);
    }
}
