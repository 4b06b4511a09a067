package io.starling.mqtt.benchmarks.runner;

import io.starling.mqtt.benchmarks.flood.AttackKind;
import io.starling.mqtt.benchmarks.flood.AttackTally;
import io.starling.mqtt.benchmarks.flood.FloodParams;
import io.starling.mqtt.benchmarks.flood.FloodResult;
import io.starling.mqtt.benchmarks.flood.RttSummary;
import io.starling.mqtt.benchmarks.load.Counters;
import io.starling.mqtt.benchmarks.load.Scenario;
import io.starling.mqtt.benchmarks.load.ScenarioResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Writes docs/performance.md from one run: machine, command, broker settings, ratio summary, charts, one table per
 * scenario, parameters and definitions. Everything from {@link #KEEP_MARKER} (or, without it, from
 * {@code ## Optimisation log}) to the end of the existing file is kept as it is. About 400 lines, most of them the
 * report's prose and table layouts, kept together so that the document reads in the order of the code.
 */
final class Report {
    static final String KEEP_MARKER = "<!-- Generated above this line by broker-benchmarks/run.sh; everything below it is kept. -->";
    private static final String LOG_HEADING = "## Optimisation log";

    private final RunnerOptions o;
    private final List<ScenarioResult> results;
    private final List<FloodResult> floods;
    private final OverloadReport overloads;
    private final List<Target> targets;
    private final Map<Target, String> unavailable;
    private final Map<Target, Double> startSeconds;
    private final double seconds;
    private final Path charts;
    private final StringBuilder md = new StringBuilder();

    Report(RunnerOptions o, List<ScenarioResult> results, List<FloodResult> floods, OverloadReport overloads,
            List<Target> targets, Map<Target, String> unavailable, Map<Target, Double> startSeconds, double seconds,
            Path charts) {
        this.o = o;
        this.results = results;
        this.floods = floods;
        this.overloads = overloads;
        this.targets = targets;
        this.unavailable = unavailable;
        this.startSeconds = startSeconds;
        this.seconds = seconds;
        this.charts = charts;
    }

    void write() throws IOException {
        String kept = keptTail();
        header();
        brokers();
        summary();
        scenarios();
        latency();
        connections();
        flood();
        overloads.write(md, this::relative);
        failures();
        parameters();
        method();
        md.append('\n').append(KEEP_MARKER).append("\n\n").append(kept);
        Files.createDirectories(o.report().toAbsolutePath().getParent());
        Files.writeString(o.report(), md, StandardCharsets.UTF_8);
    }

    private String keptTail() throws IOException {
        String placeholder = LOG_HEADING + "\n\nOne entry per change, newest last: date, commit, what changed, and what it "
                + "gained (scenario, before → after, same mode on the same machine).\n\n- (no entries yet)\n";
        if (!Files.exists(o.report())) {
            return placeholder;
        }
        String old = Files.readString(o.report(), StandardCharsets.UTF_8);
        int marker = old.indexOf(KEEP_MARKER);
        if (marker >= 0) {
            return old.substring(marker + KEEP_MARKER.length()).stripLeading();
        }
        int log = old.indexOf(LOG_HEADING);
        return log >= 0 ? old.substring(log) : placeholder;
    }

    private void header() {
        md.append("# Performance\n\n");
        md.append("Starling side by side with its peers and with a byte-relay ceiling, measured by the load generator ")
                .append("and runner in `broker-benchmarks` (issue 3). Written by the runner on ")
                .append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")))
                .append("; do not edit above the marker line near the end, the next run rewrites it.\n\n");
        md.append("## Machine\n\n| | |\n| --- | --- |\n");
        Machine.describe().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\n## Command\n\n```sh\n").append(o.command()).append("\n```\n\n");
        if (generatorRan()) {
            md.append(String.format(Locale.ROOT, "Mode `%s`: warm-up %s s and a measured window of %s s per scenario%s, ",
                    o.mode(), o.params().get("warmup"), o.params().get("duration"),
                    o.scenarios().stream().noneMatch(Scenario::separate) ? ""
                            : " (" + separateIds() + " have windows of their own, given in their sections)"));
        } else {
            md.append("Mode `").append(o.mode()).append("`, ").append(separateIds())
                    .append(" alone (windows given in their sections), ");
        }
        md.append("each scenario against a freshly started broker process on the same port. The runner took ")
                .append(String.format(Locale.ROOT, "%.0f s", seconds)).append(" (build not included). ")
                .append("JVM brokers run with `").append(String.join(" ", o.jvmFlags())).append("`. ")
                .append("The machine was not otherwise idle unless stated: compare ratios from one run, not absolute ")
                .append("figures across runs.\n\n");
    }

    private void brokers() {
        md.append("## Brokers and their settings\n\n| broker | version | start s | settings |\n| --- | --- | --- | --- |\n");
        for (Target t : targets) {
            Double s = startSeconds.get(t);
            md.append("| ").append(t.label()).append(" | ").append(Machine.version(t, o)).append(" | ")
                    .append(s == null ? "–" : String.format(Locale.ROOT, "%.1f", s)).append(" | ")
                    .append(t.settings()).append(" |\n");
        }
        unavailable.forEach((t, why) -> md.append("| ").append(t.label()).append(" | not run | – | ").append(why)
                .append(" |\n"));
        md.append('\n');
        if (!generatorRan()) {
            return;
        }
        md.append("The generator uses the same limits for everyone: QoS 1/2 publishers keep at most `window` ")
                .append("unacknowledged messages, and a QoS 0 publisher at full speed stays at most `qos0.window` ")
                .append("deliveries (that many messages divided by its fan-out, at least 32 messages) ahead of the newest message ")
                .append("its subscribers have seen, so that no broker is flooded beyond what it delivers and a ")
                .append("broker that drops QoS 0 messages does not stall it.\n\n");
    }

    private String separateIds() {
        return String.join(", ", o.scenarios().stream().filter(Scenario::separate).map(Scenario::id).toList());
    }

    /** Whether any scenario of this run went through the load generator (all but the flood do). */
    private boolean generatorRan() {
        return o.scenarios().stream().anyMatch(s -> !s.separate());
    }

    private List<Scenario> throughputScenarios() {
        return o.scenarios().stream().filter(s -> s.carriesMessages() && !s.latency()).toList();
    }

    private void summary() throws IOException {
        List<Scenario> scenarios = throughputScenarios();
        if (scenarios.isEmpty()) {
            return;
        }
        List<Target> others = targets.stream().filter(t -> t != Target.STARLING).toList();
        md.append("## Summary: Starling ÷ each peer\n\n");
        if (!targets.contains(Target.STARLING)) {
            md.append("Starling was not run.\n\n");
        } else {
            md.append("Ratios of Starling's figure to the other's: above 1 Starling delivers more messages per second ")
                    .append("(left) or per broker CPU-second (right).\n\n| scenario | Starling msg/s");
            others.forEach(t -> md.append(" | ÷ ").append(t.label()));
            md.append(" | Starling msg/CPU-s");
            others.forEach(t -> md.append(" | ÷ ").append(t.label()));
            md.append(" |\n| ---").append(" | ---:".repeat(2 + 2 * others.size())).append(" |\n");
            for (Scenario s : scenarios) {
                md.append("| ").append(s.id()).append(s.fixedRate() ? " (fixed rate)" : "").append(" | ")
                        .append(fmt(value(s, Target.STARLING, ScenarioResult::deliveredPerSecond)));
                others.forEach(t -> md.append(" | ").append(ratio(s, t, ScenarioResult::deliveredPerSecond)));
                md.append(" | ").append(fmt(value(s, Target.STARLING, ScenarioResult::deliveredPerCpuSecond)));
                others.forEach(t -> md.append(" | ").append(ratio(s, t, ScenarioResult::deliveredPerCpuSecond)));
                md.append(" |\n");
            }
            md.append('\n');
        }
        String[] groups = scenarios.stream().map(Scenario::id).toArray(String[]::new);
        chart("throughput.png", "Delivered messages per second", "msg/s", groups, scenarios,
                ScenarioResult::deliveredPerSecond);
        chart("efficiency.png", "Delivered messages per broker CPU-second", "msg per CPU-s", groups, scenarios,
                ScenarioResult::deliveredPerCpuSecond);
        md.append("![Delivered messages per second](").append(relative("throughput.png")).append(")\n\n");
        md.append("![Delivered messages per broker CPU-second](").append(relative("efficiency.png")).append(")\n\n");
    }

    private void scenarios() {
        if (throughputScenarios().isEmpty()) {
            return;
        }
        md.append("## Scenarios\n\n");
        for (Scenario s : throughputScenarios()) {
            md.append("### ").append(s.id()).append("\n\n").append(s.describe(o.params())).append(".")
                    .append(s.fixedRate() ? " Offered at a fixed rate: msg/s only shows whether the broker keeps up; "
                            + "compare msg per broker CPU-s and latency." : "").append("\n\n");
            md.append("| broker | msg/s delivered | Starling ÷ | msg per broker CPU-s | Starling ÷ | broker CPU s | ")
                    .append("generator CPU s | peak RSS MiB | missing | duplicates | late | disconnects | p50 ms | p99 ms |\n")
                    .append("| ---").append(" | ---:".repeat(13)).append(" |\n");
            for (Target t : targets) {
                ScenarioResult r = find(s, t);
                if (r == null) {
                    continue;
                }
                md.append("| ").append(t.label());
                if (!r.ok()) {
                    md.append(" | failed: ").append(r.error().replace('|', '/')).append(" |".repeat(12)).append(" |\n");
                    continue;
                }
                Counters c = r.totals();
                md.append(" | ").append(fmt(r.deliveredPerSecond()))
                        .append(" | ").append(ratio(s, t, ScenarioResult::deliveredPerSecond))
                        .append(" | ").append(fmt(r.deliveredPerCpuSecond()))
                        .append(" | ").append(ratio(s, t, ScenarioResult::deliveredPerCpuSecond))
                        .append(" | ").append(dec(r.brokerCpuSeconds())).append(" | ").append(dec(r.generatorCpuSeconds()))
                        .append(" | ").append(mib(r.peakRssBytes()))
                        .append(" | ").append(c.missing()).append(" | ").append(c.duplicates())
                        .append(" | ").append(c.late()).append(" | ").append(c.disconnects())
                        .append(" | ").append(ms(r.latency(0))).append(" | ").append(ms(r.latency(1))).append(" |\n");
            }
            md.append('\n');
        }
    }

    private void latency() throws IOException {
        for (Scenario s : o.scenarios()) {
            if (s.latency()) {
                latency(s);
            }
        }
    }

    private void latency(Scenario s) throws IOException {
        md.append(s.persistentSubscribers() ? "## Latency, persistent subscribers\n\n" : "## Latency\n\n")
                .append(s.describe(o.params())).append(". Latency is from the publisher's write ")
                .append("(send time in the payload) to the subscriber's read, same clock, messages received in the ")
                .append("window; HdrHistogram, 3 significant digits. Ratio: Starling's p99 ÷ the other's (below 1: ")
                .append("Starling is faster). Each publisher sends on a timer at its share of the rate, bounded by its ")
                .append("inflight window: a message that had to wait for the window is timed from its actual write, so ")
                .append("a broker that falls more than a window behind looks better than it is; the window stalls ")
                .append("column counts the timer ticks that found the window full (0 when the broker kept up). The ")
                .append("ceiling relay's latency is not a floor: it hands every batch to the subscriber's event loop ")
                .append("as a task. The ack columns time each message from the publisher's write to its PUBACK: a ")
                .append("durable broker that syncs before it acknowledges shows the sync there, not in the ")
                .append("delivery.\n\n| broker | delivered msg/s | p50 ms | p99 ms | p99.9 ms | max ms | ")
                .append("Starling p99 ÷ | ack p50 ms | ack p99 ms | ack p99.9 ms | ack max ms | missing | window stalls | ")
                .append("broker CPU s |\n| ---").append(" | ---:".repeat(13)).append(" |\n");
        List<Charts.Series> series = new ArrayList<>();
        for (Target t : targets) {
            ScenarioResult r = find(s, t);
            if (r == null) {
                continue;
            }
            if (!r.ok()) {
                md.append("| ").append(t.label()).append(" | failed: ").append(r.error().replace('|', '/'))
                        .append(" |".repeat(12)).append(" |\n");
                continue;
            }
            md.append("| ").append(t.label()).append(" | ").append(fmt(r.deliveredPerSecond()));
            for (int i = 0; i < 4; i++) {
                md.append(" | ").append(ms(r.latency(i)));
            }
            md.append(" | ").append(ratio(s, t, x -> x.latency(1) > 0 ? x.latency(1) : Double.NaN));
            for (int i = 0; i < 4; i++) {
                md.append(" | ").append(ms(r.ackLatency(i)));
            }
            md.append(" | ").append(r.totals().missing()).append(" | ").append(r.totals().windowStalls())
                    .append(" | ").append(dec(r.brokerCpuSeconds())).append(" |\n");
            double[] v = new double[4];
            for (int i = 0; i < 4; i++) {
                v[i] = r.latency(i) > 0 ? r.latency(i) / 1e6 : Double.NaN;
            }
            series.add(new Charts.Series(t.label(), Charts.color(t), v));
        }
        md.append('\n');
        if (!series.isEmpty()) {
            String file = s.id() + ".png";
            Charts.bars(charts.resolve(file), "Latency at " + o.params().get(s.rateKey()) + " msg/s offered, p2p QoS 1"
                    + (s.persistentSubscribers() ? ", persistent subscribers" : ""), "ms",
                    new String[] {"p50", "p99", "p99.9", "max"}, series, true);
            md.append("![Latency](").append(relative(file)).append(")\n\n");
        }
    }

    private void connections() throws IOException {
        if (!o.scenarios().contains(Scenario.CONNECTIONS)) {
            return;
        }
        Scenario s = Scenario.CONNECTIONS;
        md.append("## Connections\n\n").append(s.describe(o.params())).append(". Connect rate: connections from the ")
                .append("first connect to the last CONNACK, at most `connect.pending` under way at once. Memory per ")
                .append("connection: the broker's growth after `connections.hold` seconds idle, divided by the ")
                .append("connections: RSS (/proc VmRSS), and for JVM brokers the used heap after a full GC ")
                .append("(`jcmd PID GC.run`, then `GC.heap_info`). RSS of a JVM hardly moves while the heap it ")
                .append("reserved has room; the heap figure is the one to compare between JVMs.\n\n")
                .append("| broker | connections | connects/s | Starling ÷ | RSS B/conn | heap B/conn | Starling heap ÷ | ")
                .append("peak RSS MiB | broker CPU s (connecting) |\n| ---").append(" | ---:".repeat(8)).append(" |\n");
        List<Charts.Series> series = new ArrayList<>();
        for (Target t : targets) {
            ScenarioResult r = find(s, t);
            if (r == null) {
                continue;
            }
            if (!r.ok()) {
                md.append("| ").append(t.label()).append(" | failed: ").append(r.error().replace('|', '/'))
                        .append(" |".repeat(7)).append(" |\n");
                continue;
            }
            md.append("| ").append(t.label()).append(" | ").append(r.connections()).append(" | ")
                    .append(fmt(r.connectsPerSecond())).append(" | ")
                    .append(ratio(s, t, ScenarioResult::connectsPerSecond)).append(" | ")
                    .append(r.rssPerConnection() < 0 ? "–" : Long.toString(r.rssPerConnection())).append(" | ")
                    .append(r.heapPerConnection() < 0 ? "–" : Long.toString(r.heapPerConnection())).append(" | ")
                    .append(ratio(s, t, x -> x.heapPerConnection() > 0 ? x.heapPerConnection() : Double.NaN))
                    .append(" | ").append(mib(r.peakRssBytes())).append(" | ").append(dec(r.brokerCpuSeconds()))
                    .append(" |\n");
            series.add(new Charts.Series(t.label(), Charts.color(t), new double[] {r.connectsPerSecond(),
                    r.rssPerConnection(), r.heapPerConnection() > 0 ? r.heapPerConnection() : Double.NaN}));
        }
        md.append('\n');
        if (!series.isEmpty()) {
            Charts.bars(charts.resolve("connections.png"), o.params().get("connections.count") + " idle connections",
                    "value", new String[] {"connects/s", "RSS bytes per connection", "heap bytes per connection"},
                    series, true);
            md.append("![Connections](").append(relative("connections.png")).append(")\n\n");
        }
    }

    private void flood() throws IOException {
        if (floods.isEmpty()) {
            return;
        }
        FloodParams f = o.flood();
        md.append("## Flood\n\n")
                .append("A well-behaved client connects first, subscribes to its own topic at QoS 1 and publishes QoS 1 ")
                .append("messages to it at ").append(f.get("flood.rate")).append(" msg/s; the round trip is from its ")
                .append("write to its read of the delivery, same clock, on an event loop of its own. After ")
                .append(f.get("flood.warmup")).append(" s of warm-up it measures a ").append(f.get("flood.baseline"))
                .append(" s baseline; then, for ").append(f.get("flood.attack")).append(" s, the attack runs beside it, ")
                .append("all from 127.0.0.1: (a) ").append(f.get("flood.attempts")).append(" TCP connection attempts ")
                .append("as fast as the broker takes them (at most ").append(f.get("flood.pending"))
                .append(" unfinished at once, a ").append(f.get("flood.connect.timeout")).append(" s connect timeout), ")
                .append("interleaving `").append(f.get("flood.mix")).append("`: idle connections that never send a ")
                .append("CONNECT (slowloris), 7 bytes of a CONNECT and then nothing, a valid CONNECT with DISCONNECT ")
                .append("after the CONNACK, and bare open-and-close; idle and partial ones are held until the broker ")
                .append("closes them or the attack ends; (b) one client that connects properly, then sends a PUBLISH ")
                .append("header declaring ").append(String.format(Locale.ROOT, "%,d", Long.parseLong(f.get("flood.big.length"))))
                .append(" bytes and random body bytes: 1 KiB every 10 ms for ").append(f.get("flood.big.trickle"))
                .append(" s, then as fast as the broker reads. A message that never comes back counts with the time it ")
                .append("waited until the end (drain of at most ").append(f.get("flood.drain")).append(" s), so a ")
                .append("stalled broker cannot pass on the messages that got through. **Pass**: the client stays ")
                .append("connected and the median round trip of the messages sent under attack is below ")
                .append(f.get("flood.threshold.ms")).append(" ms. The burst columns cover the messages sent while ")
                .append("attempts were still under way.\n\n");
        md.append("| broker | verdict | baseline p50 / p99 / max ms | under attack p50 / p99 / max ms | missing under ")
                .append("attack | burst s | burst p50 / max ms | broker CPU s in attack | RSS before attack MiB | ")
                .append("max RSS in attack MiB | peak RSS MiB |\n| --- | --- | ---:")
                .append(" | ---:".repeat(8)).append(" |\n");
        List<Charts.Series> series = new ArrayList<>();
        for (FloodResult r : floods) {
            md.append("| ").append(label(r.target())).append(" | ").append(r.verdict().replace('|', '/'))
                    .append(" | ").append(rtt(r.baseline())).append(" | ").append(rtt(r.attack()))
                    .append(" | ").append(r.attack().missing()).append(" of ").append(r.attack().messages())
                    .append(" | ").append(dec(r.burstSeconds()))
                    .append(" | ").append(r.burst().messages() == 0 ? "–" : ms(r.burst().p50Nanos()) + " / "
                            + ms(r.burst().maxNanos()))
                    .append(" | ").append(dec(r.brokerCpuSeconds())).append(" | ").append(mib(r.rssBeforeAttack()))
                    .append(" | ").append(mib(r.rssMaxInAttack())).append(" | ").append(mib(r.peakRssBytes()))
                    .append(" |\n");
            series.add(new Charts.Series(label(r.target()), Charts.color(Target.byId(r.target())), new double[] {
                msOrNaN(r.baseline().p50Nanos()), msOrNaN(r.baseline().p99Nanos()), msOrNaN(r.attack().p50Nanos()),
                msOrNaN(r.burst().p50Nanos()), msOrNaN(r.attack().p99Nanos()), msOrNaN(r.attack().maxNanos())}));
        }
        md.append("\n**Attempts** (per kind below): connected = the TCP handshake completed; refused = reset; timed ")
                .append("out = no handshake within the connect timeout (typically a full listen backlog); closed by the ")
                .append("broker = before the attack ended (connect kind: before its CONNACK); still held = idle and ")
                .append("partial connections the broker had not closed when the attack ended.\n\n")
                .append("| broker | attempts | connected | refused | timed out | other failures | unfinished at end | ")
                .append("CONNACKs | closed by the broker | still held | big packet |\n| ---").append(" | ---:".repeat(9))
                .append(" | --- |\n");
        for (FloodResult r : floods) {
            AttackTally.KindCounts t = r.attempts().total();
            md.append("| ").append(label(r.target())).append(" | ").append(t.attempted()).append(" | ")
                    .append(t.connected()).append(" | ").append(t.refused()).append(" | ").append(t.timedOut())
                    .append(" | ").append(t.failed()).append(" | ").append(t.pending()).append(" | ")
                    .append(t.connacked()).append(" | ").append(t.closedByBroker()).append(" | ")
                    .append(r.attempts().stillHeld()).append(" | ").append(r.bigPacket().describe().replace('|', '/'))
                    .append(r.bigPacket().note() != null ? " (" + r.bigPacket().note().replace('|', '/') + ")" : "")
                    .append(" |\n");
        }
        md.append("\n| broker | kind | attempted | connected | refused | timed out | other failures | CONNACKs | ")
                .append("closed by the broker | after s (first–last) |\n| --- | ---").append(" | ---:".repeat(7))
                .append(" | --- |\n");
        for (FloodResult r : floods) {
            for (AttackKind k : AttackKind.values()) {
                AttackTally.KindCounts c = r.attempts().of(k);
                if (c.attempted() == 0) {
                    continue;
                }
                md.append("| ").append(label(r.target())).append(" | ").append(k.id()).append(" | ")
                        .append(c.attempted()).append(" | ").append(c.connected()).append(" | ").append(c.refused())
                        .append(" | ").append(c.timedOut()).append(" | ").append(c.failed()).append(" | ")
                        .append(k == AttackKind.CONNECT ? Long.toString(c.connacked()) : "–").append(" | ")
                        .append(c.closedByBroker()).append(" | ")
                        .append(c.closeMinNanos() < 0 ? "–" : String.format(Locale.ROOT, "%.2f–%.2f",
                                c.closeMinNanos() / 1e9, c.closeMaxNanos() / 1e9))
                        .append(" |\n");
            }
        }
        md.append('\n');
        floods.stream().filter(r -> r.attempts().firstFailure() != null).forEach(r -> md.append("- ")
                .append(label(r.target())).append(": first attempt that failed otherwise: ")
                .append(r.attempts().firstFailure()).append('\n'));
        Charts.bars(charts.resolve("flood.png"), "Round trip of the well-behaved client before and under the flood",
                "ms", new String[] {"baseline p50", "baseline p99", "attack p50", "burst p50", "attack p99", "attack max"}, series,
                true);
        md.append("\n![Flood](").append(relative("flood.png")).append(")\n\n");
    }

    private static String rtt(RttSummary r) {
        return r.messages() == 0 ? "–"
                : ms(r.p50Nanos()) + " / " + ms(r.p99Nanos()) + " / " + (r.missing() > 0 ? "≥ " : "") + ms(r.maxNanos());
    }

    private static double msOrNaN(long nanos) {
        return nanos < 0 ? Double.NaN : nanos / 1e6;
    }

    private void failures() {
        List<ScenarioResult> failed = results.stream().filter(r -> !r.ok()).toList();
        List<ScenarioResult> noisy = results.stream().filter(r -> r.ok() && r.totals().firstError() != null).toList();
        List<ScenarioResult> retried = results.stream().filter(r -> r.ok() && r.setup().retries() > 0).toList();
        List<FloodResult> floodErrors = floods.stream().filter(r -> r.error() != null).toList();
        List<String> overloadErrors = overloads.errors();
        if (failed.isEmpty() && noisy.isEmpty() && retried.isEmpty() && floodErrors.isEmpty()
                && overloadErrors.isEmpty()) {
            return;
        }
        md.append("## Failures and errors\n\n");
        failed.forEach(r -> md.append("- ").append(r.scenario()).append(" @ ").append(label(r.target())).append(": ")
                .append(r.error()).append('\n'));
        noisy.forEach(r -> md.append("- ").append(r.scenario()).append(" @ ").append(label(r.target())).append(": ")
                .append(r.totals().errors()).append(" errors, first: ").append(r.totals().firstError()).append('\n'));
        retried.forEach(r -> md.append("- ").append(r.scenario()).append(" @ ").append(label(r.target()))
                .append(": ").append(r.setup().retries()).append(" connects failed before ready and were retried, first: ")
                .append(r.setup().firstRetry()).append('\n'));
        floodErrors.forEach(r -> md.append("- flood @ ").append(label(r.target())).append(": ").append(r.error())
                .append('\n'));
        overloadErrors.forEach(e -> md.append("- ").append(e).append('\n'));
        Path logs = o.work().resolve(o.mode()).resolve("logs").toAbsolutePath();
        Path cwd = Path.of("").toAbsolutePath();
        md.append("\nBroker logs: `").append(logs.startsWith(cwd) ? cwd.relativize(logs) : logs).append("`.\n\n");
    }

    private void parameters() {
        md.append("## Parameters of this run\n\nChange any with `key=value` on the command line.\n\n")
                .append("| key | value | meaning |\n| --- | ---: | --- |\n");
        if (generatorRan() || !overloads.isEmpty()) {
            for (String[] row : io.starling.mqtt.benchmarks.load.Params.table()) {
                if (generatorRan() || overloadKey(row[0])) {
                    md.append("| `").append(row[0]).append("` | ").append(o.params().get(row[0])).append(" | ")
                            .append(row[4]).append(" |\n");
                }
            }
        }
        if (!floods.isEmpty()) {
            for (String[] row : FloodParams.table()) {
                md.append("| `").append(row[0]).append("` | ").append(o.flood().get(row[0])).append(" | ")
                        .append(row[4]).append(" |\n");
            }
        }
        md.append('\n');
    }

    /** The parameters the overload and slow-consumer scenarios read. */
    private static boolean overloadKey(String key) {
        return key.startsWith("overload.") || key.startsWith("slow.") || key.equals("sample.interval")
                || java.util.Set.of("payload", "window", "qos0.window", "threads", "setup.timeout", "connect.pending")
                        .contains(key);
    }

    private void method() {
        if (!generatorRan()) {
            return;
        }
        md.append("""
                ## How the figures are made

                - **msg/s delivered**: PUBLISH frames the subscribers received during the measured window, divided by \
                the window. Duplicates count; messages the broker dropped do not.
                - **broker CPU s**: user + system time of the broker process in the window (`/proc/PID/stat` utime + \
                stime). **msg per broker CPU-s** = delivered in the window ÷ that; it stays meaningful when the broker \
                does not get a whole core, which on a shared 2-core machine it rarely does.
                - **generator CPU s**: the generator's own CPU in the window; generator and broker share the cores.
                - **peak RSS**: the broker's VmHWM from `/proc/PID/status` at the end of the scenario (one process \
                per scenario, so the peak belongs to it).
                - **missing**: deliveries the publishers' messages should have caused (one per matching subscription) \
                minus the distinct ones that arrived, over the whole run (warm-up, window and a drain of at most \
                `drain` seconds after the publishers stop). Every payload carries the publisher's index, a sequence \
                number and the send time; each subscriber tracks each publisher's sequence. At QoS 0 missing messages \
                are drops the broker is allowed to make; at QoS 1 and 2 they are losses. **duplicates**: second \
                arrivals of a sequence number (allowed at QoS 1, counted apart). **late**: first arrivals after a \
                higher sequence number of the same publisher (out of order).
                - **p50 / p99** in the throughput tables: latency of the messages received in the window at full \
                load; mostly queueing, it shows how much a broker buffers.
                - The ceiling relay forwards bytes between exact topics and acknowledges QoS 1/2 itself: it shows what \
                the machine and the generator can do, not what an MQTT broker should reach. It does not run the \
                wildcard and fan-in scenarios, which need wildcard matching.

                """);
    }

    // ---------------------------------------------------------------- helpers

    private void chart(String file, String title, String axis, String[] groups, List<Scenario> scenarios,
            ToDoubleFunction<ScenarioResult> metric) throws IOException {
        List<Charts.Series> series = new ArrayList<>();
        for (Target t : targets) {
            double[] v = new double[scenarios.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = value(scenarios.get(i), t, metric);
            }
            series.add(new Charts.Series(t.label(), Charts.color(t), v));
        }
        Charts.bars(charts.resolve(file), title, axis, groups, series, true);
    }

    private String relative(String file) {
        Path base = o.report().toAbsolutePath().getParent();
        return base.relativize(charts.toAbsolutePath().resolve(file)).toString().replace('\\', '/');
    }

    private ScenarioResult find(Scenario s, Target t) {
        for (ScenarioResult r : results) {
            if (r.scenario().equals(s.id()) && r.target().equals(t.id())) {
                return r;
            }
        }
        return null;
    }

    private double value(Scenario s, Target t, ToDoubleFunction<ScenarioResult> metric) {
        ScenarioResult r = find(s, t);
        return r == null || !r.ok() ? Double.NaN : metric.applyAsDouble(r);
    }

    /** Starling's value ÷ {@code t}'s, or – when either is missing; "1" for Starling itself. */
    private String ratio(Scenario s, Target t, ToDoubleFunction<ScenarioResult> metric) {
        if (t == Target.STARLING) {
            return "1";
        }
        double a = value(s, Target.STARLING, metric);
        double b = value(s, t, metric);
        if (Double.isNaN(a) || Double.isNaN(b) || b <= 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f", a / b);
    }

    private static String label(String targetId) {
        return Target.byId(targetId).label();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "–" : Charts.format(v);
    }

    private static String dec(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "–" : Long.toString(bytes >> 20);
    }

    private static String ms(long nanos) {
        return nanos < 0 ? "–" : String.format(Locale.ROOT, nanos >= 100_000_000 ? "%.0f" : "%.2f", nanos / 1e6);
    }
}
