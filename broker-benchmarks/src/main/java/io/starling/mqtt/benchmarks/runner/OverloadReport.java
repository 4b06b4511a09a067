package io.starling.mqtt.benchmarks.runner;

import io.starling.mqtt.benchmarks.load.HeapSample;
import io.starling.mqtt.benchmarks.load.LatencySummary;
import io.starling.mqtt.benchmarks.load.OverloadResult;
import io.starling.mqtt.benchmarks.load.Params;
import io.starling.mqtt.benchmarks.load.SlowConsumerResult;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The report's sections on the overload and slow-consumer scenarios (issue 7): what ran, one row per broker against
 * each requirement, the details, and line charts of the time series.
 */
final class OverloadReport {
    private final RunnerOptions o;
    private final List<OverloadResult> overloads;
    private final List<SlowConsumerResult> slows;
    private final Path charts;

    OverloadReport(RunnerOptions o, List<OverloadResult> overloads, List<SlowConsumerResult> slows, Path charts) {
        this.o = o;
        this.overloads = overloads;
        this.slows = slows;
        this.charts = charts;
    }

    boolean isEmpty() {
        return overloads.isEmpty() && slows.isEmpty();
    }

    /** The errors of both scenarios, for the report's list of failures: "scenario @ broker: error". */
    List<String> errors() {
        List<String> errors = new ArrayList<>();
        overloads.stream().filter(r -> r.error() != null)
                .forEach(r -> errors.add("overload @ " + label(r.target()) + ": " + r.error()));
        slows.stream().filter(r -> r.error() != null)
                .forEach(r -> errors.add("slow-consumer @ " + label(r.target()) + ": " + r.error()));
        return errors;
    }

    /** Appends both sections; {@code relative} turns a chart's file name into a link from the report. */
    void write(StringBuilder md, Function<String, String> relative) throws IOException {
        if (!overloads.isEmpty()) {
            overload(md, relative);
        }
        if (!slows.isEmpty()) {
            slowConsumer(md, relative);
        }
    }

    // ---------------------------------------------------------------- overload

    private void overload(StringBuilder md, Function<String, String> relative) throws IOException {
        Params p = o.params();
        double bound = p.d("overload.heap.bound");
        double latencyFactor = p.d("overload.latency.factor");
        md.append("## Overload\n\n")
                .append(p.get("overload.light")).append(" light clients each subscribe to a topic of their own and ")
                .append("publish QoS 1 to it at ").append(p.get("overload.light.rate")).append(" msg/s, ")
                .append(p.i("overload.light.process") != 0
                        ? "in a JVM of their own (`overload.light.process`), apart from the flood's generator"
                        : "on an event loop of their own in the generator's JVM")
                .append("; their round trip runs from the publisher's write to ")
                .append("the delivery's read. ").append(p.get("overload.heavy")).append(" heavy publishers have a ")
                .append("subscriber each on a topic of their own; the generator threads that run them have nice ")
                .append(p.get("overload.flood.nice")).append(" (`overload.flood.nice`), so that on a machine where ")
                .append("the generator shares the broker's cores the flood competes for CPU with the broker, which ")
                .append("has to hold it back, rather than with the light clients being measured. **Calibration** (after ")
                .append(p.get("overload.warmup")).append(" s of warm-up): the heavy publishers publish QoS 1 as fast ")
                .append("as the broker takes them for ").append(p.get("overload.calibrate")).append(" s (window ")
                .append(p.get("window")).append(", as in p2p-qos1); what their subscribers receive per second is the ")
                .append("broker's sustained rate S. Then they stop and the traffic drains (at most ")
                .append(p.get("overload.settle")).append(" s). **A** (").append(p.get("overload.baseline"))
                .append(" s): the light clients alone. **B** (").append(p.get("overload.flood")).append(" s): the ")
                .append("heavy publishers offer ").append(p.get("overload.factor")).append(" × S between them, open ")
                .append("loop, each with a window of ").append(p.get("overload.window")).append(" unacknowledged ")
                .append("messages: a publisher whose window is full waits, and what it could not send counts as ")
                .append("offered and not accepted. **C** (").append(p.get("overload.recovery")).append(" s): they ")
                .append("offer ").append(p.get("overload.recovery.factor")).append(" × S. Then everybody stops and ")
                .append("what is in flight drains (at most ").append(p.get("overload.drain")).append(" s). Every ")
                .append("client keeps the sequence numbers the broker acknowledged and the ones it received, so an ")
                .append("acknowledged QoS 1 message that never arrived is counted exactly. **Accepted** = ")
                .append("acknowledged (PUBACK). The broker's RSS is read every ").append(p.get("sample.interval"))
                .append(" s; a JVM broker writes a GC log (`-Xlog:gc`), whose heap after each collection bounds its ")
                .append("live data.\n\n");
        md.append("**Requirements** (issue 7): the heap stays under a stated bound (here: heap after GC ≤ ")
                .append(fmt(bound)).append(" MiB, half the 512 MiB heap, for the JVM brokers; RSS is given for ")
                .append("all); the light clients' p99 in B is at most ").append(fmt(latencyFactor))
                .append(" × their p99 in A (the table also gives B without its first ").append(p.get("overload.onset"))
                .append(" s, the flood once the broker has reacted, beside the whole of B, which the requirement is ")
                .append("about); the heavy publishers are throttled in B (accepted < 90 % of offered ")
                .append("and at most 10 % above what their subscribers received in B: a broker that acknowledges ")
                .append("faster than it delivers is queueing or dropping, not throttling; connections kept) and ")
                .append("recover in C (accepted ≥ 95 % of offered over the second half of C; the table also gives when ")
                .append("every ").append(p.get("sample.interval")).append(" s interval reached 90 % and stayed there); ")
                .append("no acknowledged QoS 1 message is lost. \"Not overloaded\": the broker took and delivered ")
                .append("at least 90 % of what B offered, so S (measured with a window of ").append(p.get("window"))
                .append(") understated what it takes with a window of ").append(p.get("overload.window"))
                .append("; raise `overload.factor` to overload it.\n\n");
        md.append("| broker | S msg/s | light p99 A → B ms | ×, ≤ ").append(fmt(latencyFactor))
                .append("? | B after its first ").append(p.get("overload.onset")).append(" s: p99 ms, × ")
                .append("| B accepted ÷ offered | B accepted ÷ delivered | throttled? | C recovered? | acked lost | ")
                .append("heap after GC max MiB | ")
                .append("peak RSS MiB |\n| --- | ---: | ---: | --- | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: |\n");
        for (OverloadResult r : overloads) {
            md.append("| ").append(label(r.target()));
            if (!r.completed()) {
                md.append(" | failed: ").append(cell(r.error())).append(" |".repeat(10)).append(" |\n");
                continue;
            }
            double ratio = r.lightP99Ratio();
            long heap = r.maxHeapAfterGc();
            md.append(" | ").append(fmt(r.sustainedRate()))
                    .append(" | ").append(ms(r.lightA().p99())).append(" → ").append(ms(r.lightB().p99()))
                    .append(" | ").append(dec(ratio)).append(Double.isNaN(ratio) ? "" : ratio <= latencyFactor
                            ? " yes" : " **no**")
                    .append(" | ").append(ms(r.lightBSettled().p99())).append(", ")
                    .append(dec(r.lightSettledP99Ratio()))
                    .append(" | ").append(percent(r.flood().acceptedShare()))
                    .append(" | ").append(dec(r.flood().delivered() > 0
                            ? (double) r.flood().accepted() / r.flood().delivered() : Double.NaN))
                    .append(" | ").append(r.throttled() ? "yes" : r.notOverloaded() ? "not overloaded" : "**no**")
                    .append(" | ").append(r.recovered() ? "yes" : "**no**")
                    .append(String.format(Locale.ROOT, " (%s; steady after %s)", percent(r.recoveryShare()),
                            Double.isNaN(r.recoverySeconds()) ? "never"
                                    : String.format(Locale.ROOT, "%.1f s", r.recoverySeconds())))
                    .append(" | ").append(r.losses().ackedLost() == 0 ? "0" : "**" + r.losses().ackedLost() + "**")
                    .append(" | ").append(heap < 0 ? "–" : (heap >> 20) + (heap <= bound * (1 << 20) ? "" : " **over**"))
                    .append(" | ").append(mib(r.peakRssBytes())).append(" |\n");
        }
        md.append("\n**Light clients' round trip**, ms (p50 / p99 / max; messages received in the phase):\n\n")
                .append("| broker | A | B | B after its first ").append(p.get("overload.onset"))
                .append(" s | C | messages A / B / C |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (OverloadResult r : completedOverloads()) {
            md.append("| ").append(label(r.target())).append(" | ").append(r.lightA().millis()).append(" | ")
                    .append(r.lightB().millis()).append(" | ").append(r.lightBSettled().millis()).append(" | ")
                    .append(r.lightC().millis()).append(" | ")
                    .append(r.lightA().count()).append(" / ").append(r.lightB().count()).append(" / ")
                    .append(r.lightC().count()).append(" |\n");
        }
        md.append("\n**Heavy publishers**, msg/s over all of them (calibration: acknowledged / delivered; B and C: ")
                .append("offered / sent / acknowledged / delivered), and their subscribers' latency (publisher's write ")
                .append("to receipt, p50 / p99 / max ms):\n\n")
                .append("| broker | calibration | B | C | latency B | latency C |\n")
                .append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (OverloadResult r : completedOverloads()) {
            md.append("| ").append(label(r.target())).append(" | ").append(fmt(r.calibratedAccepted())).append(" / ")
                    .append(fmt(r.calibratedRate())).append(" | ").append(window(r.flood())).append(" | ")
                    .append(window(r.recovery())).append(" | ").append(r.heavyB().millis()).append(" | ")
                    .append(r.heavyC().millis()).append(" |\n");
        }
        md.append("\n**Losses, duplicates, connections** over the whole run: acknowledged = messages the broker ")
                .append("acknowledged; lost = of those, never received by their subscriber (heavy: split by when they ")
                .append("were published, warm-up and calibration / B / C); unacknowledged = written and ")
                .append("never acknowledged (not losses: a broker may drop an unacknowledged message); closed = ")
                .append("connections the broker closed (heavy publishers / heavy subscribers / light clients).\n\n")
                .append("| broker | heavy acknowledged | heavy lost | calibration / B / C | heavy unacknowledged | ")
                .append("light acknowledged | light lost | duplicates | closed |\n")
                .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (OverloadResult r : completedOverloads()) {
            OverloadResult.Losses l = r.losses();
            md.append("| ").append(label(r.target())).append(" | ").append(l.heavyAcked()).append(" | ")
                    .append(l.heavyAckedLost()).append(" | ").append(l.heavyLostByPhase()[0]).append(" / ")
                    .append(l.heavyLostByPhase()[1]).append(" / ").append(l.heavyLostByPhase()[2]).append(" | ")
                    .append(l.heavyUnacked()).append(" | ")
                    .append(l.lightAcked()).append(" | ").append(l.lightAckedLost()).append(" | ")
                    .append(l.heavyDuplicates() + l.lightDuplicates()).append(" | ")
                    .append(l.heavyPublishersClosed()).append(" / ").append(l.heavySubscribersClosed()).append(" / ")
                    .append(l.lightClosed()).append(" |\n");
        }
        md.append("\n**Memory**, MiB: the largest RSS sampled in each phase, and for the JVM brokers the largest heap ")
                .append("after a collection in each phase (– when none fell in it) and the largest heap in use before ")
                .append("one over the run.\n\n")
                .append("| broker | RSS calibration / A / B / C | peak RSS | heap after GC calibration / A / B / C | ")
                .append("heap before GC max | collections (full) |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (OverloadResult r : completedOverloads()) {
            double[] m = r.marks();
            md.append("| ").append(label(r.target())).append(" | ");
            for (int i = 0; i < 4; i++) {
                md.append(i == 0 ? "" : " / ").append(mib(r.maxRss(m[i], m[i + 1])));
            }
            md.append(" | ").append(mib(r.peakRssBytes())).append(" | ");
            if (r.heap().isEmpty()) {
                md.append("– | – | – |\n");
                continue;
            }
            for (int i = 0; i < 4; i++) {
                md.append(i == 0 ? "" : " / ").append(mib(HeapSample.maxAfter(r.heap(), m[i], m[i + 1])));
            }
            md.append(" | ").append(mib(HeapSample.maxBefore(r.heap(), m[0], m[4] + 1))).append(" | ")
                    .append(r.heap().size()).append(" (").append(r.heap().stream().filter(HeapSample::full).count())
                    .append(") |\n");
        }
        md.append('\n');
        overloadCharts(md, relative);
    }

    private List<OverloadResult> completedOverloads() {
        return overloads.stream().filter(OverloadResult::completed).toList();
    }

    private void overloadCharts(StringBuilder md, Function<String, String> relative) throws IOException {
        List<OverloadResult> done = completedOverloads();
        if (done.isEmpty()) {
            return;
        }
        Params p = o.params();
        double a = p.d("overload.baseline");
        double b = a + p.d("overload.flood");
        double c = b + p.d("overload.recovery");
        List<Charts.Marker> markers = List.of(new Charts.Marker(0, "A"), new Charts.Marker(a, "B"),
                new Charts.Marker(b, "C"), new Charts.Marker(c, "end"));
        List<Charts.Line> accepted = new ArrayList<>();
        List<Charts.Line> memory = new ArrayList<>();
        List<Charts.Series> latency = new ArrayList<>();
        List<Charts.Line> latencyOverTime = new ArrayList<>();
        for (OverloadResult r : done) {
            Target t = Target.byId(r.target());
            double from = r.marks()[OverloadResult.A];
            List<OverloadResult.Sample> s = r.samples().stream()
                    .filter(x -> x.seconds() >= from - 1e-9 && x.seconds() <= r.marks()[OverloadResult.END] + 1)
                    .toList();
            double[][] rate = rates(s, OverloadResult.Sample::seconds, OverloadResult.Sample::accepted, from);
            for (int i = 0; i < rate[1].length; i++) {
                rate[1][i] /= r.sustainedRate();
            }
            accepted.add(new Charts.Line(t.label(), Charts.color(t), rate[0], rate[1], false));
            latencyOverTime.add(new Charts.Line(t.label(), Charts.color(t),
                    s.stream().mapToDouble(x -> x.seconds() - from).toArray(),
                    s.stream().mapToDouble(x -> x.lightP99Nanos() < 0 ? Double.NaN : x.lightP99Nanos() / 1e6)
                            .toArray(), false));
            memory.addAll(memory(t, s, OverloadResult.Sample::seconds, OverloadResult.Sample::rssBytes, r.heap(), from,
                    from, r.marks()[OverloadResult.END] + 1));
            latency.add(new Charts.Series(t.label(), Charts.color(t), new double[] {msOrNaN(r.lightA().p50()),
                msOrNaN(r.lightA().p99()), msOrNaN(r.lightB().p50()), msOrNaN(r.lightB().p99()),
                msOrNaN(r.lightC().p50()), msOrNaN(r.lightC().p99())}));
        }
        double factor = p.d("overload.factor");
        double recovery = p.d("overload.recovery.factor");
        accepted.add(new Charts.Line("offered", Color.GRAY, new double[] {0, a, a, b, b, c},
                new double[] {0, 0, factor, factor, recovery, recovery}, true));
        Charts.lines(charts.resolve("overload-accepted.png"), "Heavy publishers: accepted (acknowledged) rate ÷ the "
                + "broker's sustained rate S", "seconds from the start of phase A", "× S", accepted, markers, false);
        Charts.bars(charts.resolve("overload-latency.png"), "Light clients' round trip: A alone, B under the flood, "
                + "C in recovery", "ms", new String[] {"A p50", "A p99", "B p50", "B p99", "C p50", "C p99"}, latency,
                true);
        Charts.lines(charts.resolve("overload-latency-time.png"), "Light clients' p99 round trip over each "
                + p.get("sample.interval") + " s", "seconds from the start of phase A", "ms", latencyOverTime, markers,
                true);
        Charts.lines(charts.resolve("overload-memory.png"), "Broker memory during the overload: RSS (solid), heap "
                + "after GC (dashed)", "seconds from the start of phase A", "MiB", memory, markers, false);
        md.append("![Heavy publishers' accepted rate](").append(relative.apply("overload-accepted.png"))
                .append(")\n\n![Light clients' round trip](").append(relative.apply("overload-latency.png"))
                .append(")\n\n![Light clients' p99 over time](").append(relative.apply("overload-latency-time.png"))
                .append(")\n\n![Broker memory](").append(relative.apply("overload-memory.png")).append(")\n\n");
    }

    // ---------------------------------------------------------------- slow consumer

    private void slowConsumer(StringBuilder md, Function<String, String> relative) throws IOException {
        Params p = o.params();
        md.append("## Slow consumer\n\n")
                .append("Two publishers flood: one QoS 0 on `bench/slow/0`, one QoS 1 on `bench/slow/1`, ")
                .append(p.d("slow.rate") > 0 ? "at " + p.get("slow.rate") + " msg/s each"
                        : "as fast as the broker takes them (QoS 1 within a window of " + p.get("window")
                                + ", QoS 0 at most `qos0.window` deliveries ahead of the fastest subscriber)")
                .append(". ").append(p.get("slow.subscribers")).append(" subscribers subscribe to `bench/slow/+` at ")
                .append("QoS 1, so each gets both streams on one connection. After ").append(p.get("slow.warmup"))
                .append(" s of warm-up and a measured window of ").append(p.get("slow.before")).append(" s, the ")
                .append("first subscriber, S1, stops reading from its socket (its connection stays open) for ")
                .append(p.get("slow.after")).append(" s, while the others read on. Then the publishers stop, S1 ")
                .append("reads again, and what is left drains (at most ").append(p.get("slow.drain")).append(" s). ")
                .append("**Throughput** = what the other subscribers receive per second, all of them together, ")
                .append("before and during the stall. **Memory growth** = the largest RSS (and for a JVM broker the ")
                .append("largest heap after GC) in the second half of the stall minus the largest in its first half. ")
                .append("**Requirements** (issue 7): the broker's memory stays bounded (here: it grows by at most ")
                .append(p.get("slow.growth")).append(" MiB over the second half of the stall), the other subscribers ")
                .append("keep their throughput (here: at least ").append(percent(p.d("slow.keep")))
                .append(" of it), and none of them loses an acknowledged QoS 1 message. What the broker does with ")
                .append("S1 (drops, a closed connection) is its policy: shown, not judged.\n\n");
        md.append("| broker | others' msg/s before → during | ratio | kept? | RSS growth MiB | heap growth MiB | ")
                .append("bounded? | acked QoS 1 lost by the others | S1 |\n")
                .append("| --- | ---: | ---: | --- | ---: | ---: | --- | ---: | --- |\n");
        for (SlowConsumerResult r : slows) {
            md.append("| ").append(label(r.target()));
            if (!r.completed()) {
                md.append(" | failed: ").append(cell(r.error())).append(" |".repeat(7)).append(" |\n");
                continue;
            }
            md.append(" | ").append(fmt(r.before().healthyPerSecond())).append(" → ")
                    .append(fmt(r.stall().healthyPerSecond())).append(" | ").append(dec(r.throughputRatio()))
                    .append(" | ").append(r.throughputKept() ? "yes" : "**no**")
                    .append(" | ").append(r.memoryMeasured() ? Long.toString(r.rssGrowth() >> 20) : "–")
                    .append(" | ").append(r.heap().isEmpty() ? "–" : Long.toString(r.heapGrowth() >> 20))
                    .append(" | ").append(!r.memoryMeasured() ? "not measured" : r.memoryBounded() ? "yes" : "**no**")
                    .append(" | ").append(r.healthyQos1Lost() == 0 ? "0" : "**" + r.healthyQos1Lost() + "** ("
                            + r.healthyQos1LostBefore() + " published before the stall)")
                    .append(" | ").append(cell(fate(r.s1()))).append(" |\n");
        }
        md.append("\n**Details**: the other subscribers' QoS 0 and QoS 1 msg/s before → during the stall; their QoS 0 ")
                .append("messages missing (dropped by the broker: allowed) of those written for them; S1's QoS 0 and ")
                .append("QoS 1 messages received over the whole run of those written or acknowledged; RSS MiB, largest ")
                .append("before the stall / during it / peak; heap after GC MiB, largest before / during.\n\n")
                .append("| broker | others QoS 0 msg/s | others QoS 1 msg/s | others QoS 0 missing | S1 QoS 0 | S1 QoS 1 | ")
                .append("RSS | heap after GC |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (SlowConsumerResult r : completedSlows()) {
            double[] m = r.marks();
            SlowConsumerResult.SlowSubscriber s1 = r.s1();
            md.append("| ").append(label(r.target())).append(" | ").append(fmt(r.before().healthyQos0PerSecond()))
                    .append(" → ").append(fmt(r.stall().healthyQos0PerSecond())).append(" | ")
                    .append(fmt(r.before().healthyQos1PerSecond())).append(" → ")
                    .append(fmt(r.stall().healthyQos1PerSecond())).append(" | ").append(r.healthyQos0Missing())
                    .append(" of ").append(r.healthyQos0Written()).append(" | ").append(s1.qos0Received())
                    .append(" of ").append(s1.qos0Written()).append(" | ").append(s1.qos1Received()).append(" of ")
                    .append(s1.qos1Acked()).append(" | ")
                    .append(mib(r.maxRss(m[0], m[1]))).append(" / ").append(mib(r.maxRss(m[1], m[2] + 1e-9)))
                    .append(" / ").append(mib(r.peakRssBytes())).append(" | ")
                    .append(r.heap().isEmpty() ? "–" : mib(HeapSample.maxAfter(r.heap(), m[0], m[1])) + " / "
                            + mib(HeapSample.maxAfter(r.heap(), m[1], m[2])))
                    .append(" |\n");
        }
        md.append('\n');
        slowCharts(md, relative);
    }

    private List<SlowConsumerResult> completedSlows() {
        return slows.stream().filter(SlowConsumerResult::completed).toList();
    }

    /** What became of S1, in words. */
    static String fate(SlowConsumerResult.SlowSubscriber s1) {
        String closed = s1.closed()
                ? String.format(Locale.ROOT, "closed by the broker %.1f s into the stall", s1.closedAfter())
                : "kept open";
        return closed + String.format(Locale.ROOT, "; %d of %d acked QoS 1 received (%d lost), %d after it read again",
                s1.qos1Received(), s1.qos1Acked(), s1.qos1Lost(), s1.afterResume());
    }

    private void slowCharts(StringBuilder md, Function<String, String> relative) throws IOException {
        List<SlowConsumerResult> done = completedSlows();
        if (done.isEmpty()) {
            return;
        }
        Params p = o.params();
        double after = p.d("slow.after");
        List<Charts.Marker> markers = List.of(new Charts.Marker(0, "S1 stops reading"),
                new Charts.Marker(after, "publishers stop, S1 reads"));
        List<Charts.Line> throughput = new ArrayList<>();
        List<Charts.Line> memory = new ArrayList<>();
        for (SlowConsumerResult r : done) {
            Target t = Target.byId(r.target());
            double from = r.marks()[SlowConsumerResult.STALL];
            double before = r.before().healthyPerSecond();
            List<SlowConsumerResult.Sample> s = r.samples().stream()
                    .filter(x -> x.seconds() >= r.marks()[SlowConsumerResult.BEFORE] - 1e-9
                            && x.seconds() <= r.marks()[SlowConsumerResult.RESUME] + 1e-9)
                    .toList();
            double[][] rate = rates(s, SlowConsumerResult.Sample::seconds, SlowConsumerResult.Sample::healthyReceived,
                    from);
            for (int i = 0; i < rate[1].length; i++) {
                rate[1][i] /= before;
            }
            throughput.add(new Charts.Line(t.label(), Charts.color(t), rate[0], rate[1], false));
            memory.addAll(memory(t, r.samples(), SlowConsumerResult.Sample::seconds, SlowConsumerResult.Sample::rssBytes,
                    r.heap(), from, 0, r.marks()[SlowConsumerResult.END]));
        }
        Charts.lines(charts.resolve("slow-consumer-throughput.png"), "The other subscribers' msg/s ÷ their msg/s "
                + "before S1 stopped reading", "seconds from the stall", "× before", throughput, markers, false);
        Charts.lines(charts.resolve("slow-consumer-memory.png"), "Broker memory with a subscriber that does not read: "
                + "RSS (solid), heap after GC (dashed)", "seconds from the stall", "MiB", memory, markers, false);
        md.append("![The other subscribers' throughput](").append(relative.apply("slow-consumer-throughput.png"))
                .append(")\n\n![Broker memory](").append(relative.apply("slow-consumer-memory.png")).append(")\n\n");
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The memory lines of one broker, x = seconds after {@code origin}: RSS from the samples (solid), and for a JVM
     * the heap after each collection in {@code [from, to]} (dashed).
     */
    static <S> List<Charts.Line> memory(Target t, List<S> samples, java.util.function.ToDoubleFunction<S> seconds,
            ToLongFunction<S> rss, List<HeapSample> heap, double origin, double from, double to) {
        List<Charts.Line> lines = new ArrayList<>();
        lines.add(new Charts.Line(t.label() + " RSS", Charts.color(t),
                samples.stream().mapToDouble(x -> seconds.applyAsDouble(x) - origin).toArray(),
                samples.stream().mapToDouble(x -> rss.applyAsLong(x) < 0 ? Double.NaN : rss.applyAsLong(x) / 1048576.0)
                        .toArray(), false));
        List<HeapSample> h = heap.stream().filter(x -> x.seconds() >= from - 1e-9 && x.seconds() <= to).toList();
        if (!h.isEmpty()) {
            lines.add(new Charts.Line(t.label() + " heap after GC", Charts.color(t),
                    h.stream().mapToDouble(x -> x.seconds() - origin).toArray(),
                    h.stream().mapToDouble(x -> x.afterBytes() / 1048576.0).toArray(), true));
        }
        return lines;
    }

    /**
     * Rates between consecutive samples: x = the end of each interval minus {@code origin}, y = the growth of
     * {@code value} over the interval ÷ its length.
     */
    static <S> double[][] rates(List<S> samples, java.util.function.ToDoubleFunction<S> seconds,
            ToLongFunction<S> value, double origin) {
        int n = Math.max(0, samples.size() - 1);
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            S a = samples.get(i);
            S b = samples.get(i + 1);
            double dt = seconds.applyAsDouble(b) - seconds.applyAsDouble(a);
            x[i] = seconds.applyAsDouble(b) - origin;
            y[i] = dt > 0 ? (value.applyAsLong(b) - value.applyAsLong(a)) / dt : Double.NaN;
        }
        return new double[][] {x, y};
    }

    private static String window(OverloadResult.Window w) {
        if (w.seconds() <= 0) {
            return "–";
        }
        return fmt(w.offeredPerSecond()) + " / " + fmt(w.sent() / w.seconds()) + " / " + fmt(w.acceptedPerSecond())
                + " / " + fmt(w.deliveredPerSecond());
    }

    private static String label(String targetId) {
        return Target.byId(targetId).label();
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace('|', '/').replace('\n', ' ');
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "–" : Charts.format(v);
    }

    private static String dec(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f %%", 100 * v);
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "–" : Long.toString(bytes >> 20);
    }

    private static String ms(long nanos) {
        return LatencySummary.ms(nanos);
    }

    private static double msOrNaN(long nanos) {
        return nanos < 0 ? Double.NaN : nanos / 1e6;
    }
}
