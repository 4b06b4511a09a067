package io.starling.mqtt.benchmarks.runner;

import io.starling.mqtt.benchmarks.load.Counters;
import io.starling.mqtt.benchmarks.load.LoadGenerator;
import io.starling.mqtt.benchmarks.load.Scenario;
import io.starling.mqtt.benchmarks.load.ScenarioResult;
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
        Map<Target, Double> startSeconds = new LinkedHashMap<>();
        for (Scenario scenario : o.scenarios()) {
            for (Target target : targets) {
                if (target == Target.CEILING && !scenario.exactTopicsOnly()) {
                    continue;
                }
                long s0 = System.nanoTime();
                ScenarioResult r = runOne(o, target, scenario, port, work, startSeconds);
                results.add(r);
                System.out.printf("%s  [%.1f s]%n", r.summary(), (System.nanoTime() - s0) / 1e9);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        writeCsv(work.resolve("results.csv"), results);
        System.out.printf("results: %s%n", work.resolve("results.csv"));
        if (o.report() != null) {
            Path charts = o.charts() != null ? o.charts() : o.report().resolveSibling("performance");
            new Report(o, results, targets, unavailable, startSeconds, seconds, charts).write();
            System.out.printf("report: %s, charts in %s%n", o.report(), charts);
        }
        System.out.printf("runner finished in %.0f s%n", seconds);
    }

    private static ScenarioResult runOne(RunnerOptions o, Target target, Scenario scenario, int port, Path work,
            Map<Target, Double> startSeconds) throws InterruptedException {
        Path dir = work.resolve("brokers").resolve(target.id() + "-" + scenario.id());
        Path log = work.resolve("logs").resolve(target.id() + "-" + scenario.id() + ".log");
        try {
            deleteTree(dir);
        } catch (IOException e) {
            return ScenarioResult.failed(scenario.id(), target.id(), "cannot clean " + dir + ": " + e, -1);
        }
        BrokerProcess broker;
        try {
            broker = BrokerProcess.start(target, o, port, dir, log);
        } catch (IOException e) {
            return ScenarioResult.failed(scenario.id(), target.id(), "start: " + e.getMessage(), -1);
        }
        startSeconds.merge(target, broker.startSeconds(), Math::max);
        long stopAt = 0;
        try {
            ScenarioResult r = new LoadGenerator("127.0.0.1", port, o.params(), broker).run(scenario)
                    .withTarget(target.id());
            if (!broker.alive()) {
                return ScenarioResult.failed(scenario.id(), target.id(),
                        "broker process died; log: " + BrokerProcess.tail(log), r.peakRssBytes());
            }
            return r;
        } finally {
            stopAt = System.nanoTime();
            broker.stop();
            System.out.printf("  %s: started in %.1f s, stopped in %.1f s%n", target.id(), broker.startSeconds(),
                    (System.nanoTime() - stopAt) / 1e9);
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
                + "setup_retries,drain_s\n");
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
                    Integer.toString(r.setup().retries()), num(r.setup().drainSeconds()))).append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    private static String num(double d) {
        return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.3f", d);
    }
}
