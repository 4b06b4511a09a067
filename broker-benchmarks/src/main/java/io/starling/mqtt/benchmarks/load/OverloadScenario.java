package io.starling.mqtt.benchmarks.load;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * The overload scenario of issue 7: a flood of {@code overload.factor} times what the broker sustains from a few
 * heavy publishers, beside many light clients that measure their round trip.
 *
 * <ol>
 *   <li>Set-up: each heavy publisher gets a subscriber of its own on its topic; each light client subscribes to a
 *       topic of its own and publishes QoS 1 to it at {@code overload.light.rate}. Light clients run in a JVM of
 *       their own ({@code overload.light.process}, {@link LightClientsProcess}) or on an event loop of their own
 *       in this one, so the heavy clients' work does not delay their clock readings.
 *   <li>Calibration: the heavy publishers publish QoS 1 as fast as the broker takes them (window {@code window},
 *       as in p2p-qos1); what their subscribers receive per second is the sustained rate (or
 *       {@code overload.rate}). Then they stop and the traffic drains.
 *   <li>Phase A: the light clients alone: their baseline round trip.
 *   <li>Phase B: the heavy publishers offer {@code overload.factor} × the sustained rate, open loop, with a window of
 *       {@code overload.window}: a publisher whose window is full waits, and what it could not send counts as
 *       offered and not accepted. The light clients' figures are kept for the whole of B and for B after its first
 *       {@code overload.onset} seconds.
 *   <li>Phase C: they offer {@code overload.recovery.factor} × the sustained rate.
 *   <li>Everybody stops; acknowledgements and deliveries drain; every acknowledged QoS 1 message is looked up at its
 *       subscriber (each client keeps the sequence numbers acknowledged and received).
 * </ol>
 * Bounded: every phase has a fixed length and every wait a deadline.
 */
public final class OverloadScenario {
    static final String LIGHT_PREFIX = "bench/ol/light/";
    static final String HEAVY_PREFIX = "bench/ol/heavy/";

    private final String host;
    private final int port;
    private final Params params;
    private final BrokerProbe probe;

    public OverloadScenario(String host, int port, Params params, BrokerProbe probe) {
        this.host = host;
        this.port = port;
        this.params = params;
        this.probe = probe;
    }

    /** Seconds the phases take once everybody is connected, the drains and the settling aside. */
    public static double plannedSeconds(Params p) {
        return p.d("overload.warmup") + p.d("overload.calibrate") + p.d("overload.baseline") + p.d("overload.flood")
                + p.d("overload.recovery");
    }

    /** The clients: light ones (publisher indices 0..L-1), heavy subscribers, heavy publishers (L..L+H-1). */
    record Clients(List<ClientSpec> light, List<ClientSpec> heavySubscribers, List<ClientSpec> heavyPublishers) {
        static Clients of(Params p) {
            int light = p.i("overload.light");
            int heavy = p.i("overload.heavy");
            int payload = p.i("payload");
            List<ClientSpec> lights = new ArrayList<>();
            for (int i = 0; i < light; i++) {
                String topic = LIGHT_PREFIX + i;
                lights.add(new ClientSpec("ol-light-" + i, Layout.KEEP_ALIVE, topic, 1,
                        publisher(i, topic, payload, p.i("window"), p.d("overload.light.rate")), true, true));
            }
            List<ClientSpec> subs = new ArrayList<>();
            List<ClientSpec> pubs = new ArrayList<>();
            int window = Math.max(p.i("window"), p.i("overload.window"));
            for (int i = 0; i < heavy; i++) {
                String topic = HEAVY_PREFIX + i;
                subs.add(new ClientSpec("ol-heavy-sub-" + i, Layout.KEEP_ALIVE, topic, 1, null, true, true));
                pubs.add(new ClientSpec("ol-heavy-pub-" + i, Layout.KEEP_ALIVE, null, 0,
                        publisher(light + i, topic, payload, window, 0), true, true));
            }
            return new Clients(List.copyOf(lights), List.copyOf(subs), List.copyOf(pubs));
        }

        private static ClientSpec.PublisherSpec publisher(int index, String topic, int payload, int window,
                double rate) {
            return new ClientSpec.PublisherSpec(index, 1, new byte[][] {Wire.utf8(topic)}, new int[] {1}, payload,
                    window, rate, 0x0E7L + index, 0);
        }

        int publishers() {
            return light.size() + heavyPublishers.size();
        }
    }

    public OverloadResult run() throws InterruptedException {
        boolean ownProcess = params.i("overload.light.process") != 0;
        EventLoopGroup lightGroup = ownProcess ? null : Transport.group(1, "ol-light");
        EventLoopGroup heavyGroup = Transport.group(params.i("threads"), "ol-heavy");
        List<EventLoopGroup> groups = lightGroup == null ? List.of(heavyGroup) : List.of(lightGroup, heavyGroup);
        List<Channel> channels = Collections.synchronizedList(new ArrayList<>());
        Clients clients = Clients.of(params);
        RunContext run = new RunContext(groups, clients.publishers(), params.i("connect.pending"));
        LightClients lights = null;
        try {
            LoadGenerator connector = new LoadGenerator(host, port, params, probe);
            long deadline = System.nanoTime() + (long) (params.d("setup.timeout") * 1e9);
            List<LoadClient> heavySubs = connector.connectAll(LoadGenerator.bootstrap(heavyGroup), run,
                    clients.heavySubscribers(), channels, null, 1, deadline);
            lights = ownProcess ? LightClientsProcess.start(host, port, params)
                    : new LightClients.InProcess(run, lightGroup, connector.connectAll(
                            LoadGenerator.bootstrap(lightGroup), run, clients.light(), channels, null, 1, deadline));
            return measure(connector, clients, run, lights, heavySubs, heavyGroup, channels, deadline);
        } catch (LoadGenerator.ScenarioFailure e) {
            return OverloadResult.failed("", e.getMessage());
        } catch (java.io.IOException e) {
            return OverloadResult.failed("", "light clients' process: " + e);
        } finally {
            if (lights != null) {
                lights.close();
            }
            LoadGenerator.close(groups, channels, run);
        }
    }

    private OverloadResult measure(LoadGenerator connector, Clients clients, RunContext run, LightClients lights,
            List<LoadClient> heavySubs, EventLoopGroup heavyGroup, List<Channel> channels, long deadline)
            throws InterruptedException {
        List<LoadClient> heavyPubs = connector.connectAll(LoadGenerator.bootstrap(heavyGroup), run,
                clients.heavyPublishers(), channels, null, 1, deadline);
        int nice = params.i("overload.flood.nice");
        String niced = ThreadNice.apply(heavyGroup, nice);
        if (nice != 0 && !niced.startsWith("nice " + nice + " ")) {
            throw new LoadGenerator.ScenarioFailure("overload.flood.nice=" + nice + ": " + niced);
        }

        long start = System.nanoTime();
        long startEpoch = System.currentTimeMillis();
        double[] marks = new double[5];
        Phases phases = new Phases(run, heavyGroup);
        try (Sampler<OverloadResult.Sample> sampler = new Sampler<>(start, params.d("sample.interval"),
                t -> sample(run, lights, heavyGroup, t))) {
            run.runOnEveryLoop(s -> s.publishing = true);
            lights.start();
            heavyPubs.forEach(p -> p.retarget(0, params.i("window")));
            sleep(params.d("overload.warmup"));

            marks[OverloadResult.CALIBRATION] = sampler.seconds(System.nanoTime());
            OverloadResult.Window cal0 = phases.heavy(start);
            sleep(params.d("overload.calibrate"));
            OverloadResult.Window calibration = phases.heavy(start).minus(cal0);
            setPublishing(run, heavyGroup, false);
            double calibrated = calibration.deliveredPerSecond();
            double sustained = params.d("overload.rate") > 0 ? params.d("overload.rate") : calibrated;
            if (!(sustained > 0)) {
                throw new LoadGenerator.ScenarioFailure("calibration: the heavy subscribers received nothing");
            }
            settle(run, heavyGroup, params.d("overload.settle"));

            // A: light clients alone
            lights.resetLatency();
            resetLatency(run, heavyGroup, true);
            marks[OverloadResult.A] = sampler.seconds(System.nanoTime());
            sleep(params.d("overload.baseline"));
            LatencySummary lightA = LatencySummary.of(lights.takeLatency());
            takeLatency(run, heavyGroup);

            // B: flood
            int heavy = heavyPubs.size();
            int window = params.i("overload.window");
            double factor = params.d("overload.factor");
            OverloadResult.Window b0 = phases.heavy(start);
            long[] writtenAtB = written(heavyPubs);
            marks[OverloadResult.B] = sampler.seconds(System.nanoTime());
            heavyPubs.forEach(p -> p.retarget(factor * sustained / heavy, window));
            double onset = Math.min(params.d("overload.onset"), params.d("overload.flood"));
            sleep(onset);
            Histogram lightOnset = lights.takeLatency();
            sleep(params.d("overload.flood") - onset);

            // C: recovery
            double recoveryFactor = params.d("overload.recovery.factor");
            long[] writtenAtC = written(heavyPubs);
            heavyPubs.forEach(p -> p.retarget(recoveryFactor * sustained / heavy, window));
            OverloadResult.Window c0 = phases.heavy(start);
            marks[OverloadResult.C] = sampler.seconds(System.nanoTime());
            Histogram lightSettled = lights.takeLatency();
            LatencySummary lightBSettled = LatencySummary.of(lightSettled);
            lightSettled.add(lightOnset);
            LatencySummary lightB = LatencySummary.of(lightSettled);
            LatencySummary heavyB = takeLatency(run, heavyGroup);
            sleep(params.d("overload.recovery"));
            run.runOnEveryLoop(s -> {
                s.publishing = false;
                s.measuring = false;
            });
            lights.stop();
            OverloadResult.Window c1 = phases.heavy(start);
            marks[OverloadResult.END] = sampler.seconds(System.nanoTime());
            LatencySummary lightC = LatencySummary.of(lights.takeLatency());
            LatencySummary heavyC = takeLatency(run, heavyGroup);
            sleep(params.d("sample.interval") * 1.5); // one more reading past the end of C
            sampler.close();

            LoadGenerator.drain(run, params.d("overload.drain"));
            OverloadResult.Losses losses = losses(lights, heavyPubs, heavySubs, run, heavyGroup, writtenAtB,
                    writtenAtC);
            List<OverloadResult.Sample> samples = sampler.samples();
            double recoverySeconds = OverloadResult.recoverySeconds(samples, marks[OverloadResult.C],
                    marks[OverloadResult.END], 0.9);
            String error = sampler.firstFailure() == null ? null : "sampling: " + sampler.firstFailure();
            return new OverloadResult("", error, clients.light().size(), heavy, calibrated,
                    calibration.acceptedPerSecond(),
                    sustained, factor, recoveryFactor, marks, lightA, lightB, lightBSettled, lightC, heavyB, heavyC,
                    calibration, c0.minus(b0), c1.minus(c0), losses, samples, recoverySeconds, probe.peakRssBytes(),
                    List.of(), startEpoch);
        }
    }

    /** Reads the heavy publishers' cumulative figures as a window from the scenario's start. */
    private record Phases(RunContext run, EventLoopGroup heavyGroup) {
        OverloadResult.Window heavy(long start) throws InterruptedException {
            Counters c = run.counters(heavyGroup);
            long offered = run.readLoopsOf(heavyGroup, s -> s.offered).stream().mapToLong(Long::longValue).sum();
            return new OverloadResult.Window((System.nanoTime() - start) / 1e9, offered, c.sent(), c.completed(),
                    c.received());
        }
    }

    private OverloadResult.Sample sample(RunContext run, LightClients lights, EventLoopGroup heavyGroup,
            double seconds) throws InterruptedException {
        Counters heavy = run.counters(heavyGroup);
        long offered = run.readLoopsOf(heavyGroup, s -> s.offered).stream().mapToLong(Long::longValue).sum();
        LightClients.Interval light = lights.interval();
        Histogram interval = light.latency();
        long lightP99 = interval.getTotalCount() == 0 ? -1 : interval.getValueAtPercentile(99);
        return new OverloadResult.Sample(seconds, offered, heavy.sent(), heavy.completed(), heavy.received(),
                light.received(), probe.rssBytes(), lightP99);
    }

    private static void setPublishing(RunContext run, EventLoopGroup group, boolean on) throws InterruptedException {
        run.readLoopsOf(group, s -> {
            s.publishing = on;
            return null;
        });
    }

    /** Clears the latency histograms of {@code group}'s loops and switches their recording on or off. */
    static void resetLatency(RunContext run, EventLoopGroup group, boolean measuring)
            throws InterruptedException {
        run.readLoopsOf(group, s -> {
            s.latency.reset();
            s.ackLatency.reset();
            s.measuring = measuring;
            return null;
        });
    }

    /** The latencies {@code group}'s loops recorded since the last take; clears them. */
    private static LatencySummary takeLatency(RunContext run, EventLoopGroup group) throws InterruptedException {
        return LatencySummary.of(take(run, group, s -> s.latency));
    }

    /** One histogram of {@code group}'s loops, merged; clears them. */
    static Histogram take(RunContext run, EventLoopGroup group, Function<LoopStats, Histogram> which)
            throws InterruptedException {
        Histogram total = new Histogram(LoopStats.HIGHEST_LATENCY, 3);
        for (Histogram h : run.readLoopsOf(group, s -> {
            Histogram copy = which.apply(s).copy();
            which.apply(s).reset();
            return copy;
        })) {
            total.add(h);
        }
        return total;
    }

    /**
     * Waits until the heavy publishers have no message in flight and their subscribers have everything, or nothing
     * moved for a second, at most {@code seconds}.
     */
    private static void settle(RunContext run, EventLoopGroup heavyGroup, double seconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        Counters last = run.counters(heavyGroup);
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(50);
            Counters now = run.counters(heavyGroup);
            if (now.inflight() == 0 && now.unique() >= now.expected()) {
                return;
            }
            if (now.received() != last.received() || now.completed() != last.completed()) {
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > 1_000_000_000L) {
                return;
            }
            last = now;
        }
    }

    /** Every acknowledged message looked up at its subscriber; duplicates and closed connections. */
    private static OverloadResult.Losses losses(LightClients lights, List<LoadClient> heavyPubs,
            List<LoadClient> heavySubs, RunContext run, EventLoopGroup heavyGroup, long[] writtenAtB,
            long[] writtenAtC) throws InterruptedException {
        // acked, acked and lost, written and unacked, written and missing, lost before B, in B, in C
        long[] heavy = new long[7];
        for (int i = 0; i < heavyPubs.size(); i++) {
            int index = heavyPubs.get(i).spec().publisher().index();
            accumulate(heavy, heavyPubs.get(i), heavySubs.get(i), index, writtenAtB[i], writtenAtC[i]);
        }
        LightClients.Losses light = lights.losses();
        Counters h = run.counters(heavyGroup);
        return new OverloadResult.Losses(heavy[0], heavy[1], heavy[2], heavy[3], light.acked(), light.lost(),
                light.unacked(), h.duplicates(), light.duplicates(), closed(heavyPubs), closed(heavySubs),
                light.closed(), new long[] {heavy[4], heavy[5], heavy[6]});
    }

    /**
     * Adds publisher {@code pub}'s acknowledged, lost-after-ack, unacknowledged and missing counts, and the lost ones
     * by sequence number: below {@code b}, from {@code b} to below {@code c}, from {@code c} on.
     */
    static void accumulate(long[] into, LoadClient pub, LoadClient sub, int index, long b, long c)
            throws InterruptedException {
        BitSet acked = pub.query(LoadClient::acknowledged);
        long written = pub.query(LoadClient::written);
        BitSet received = sub.query(x -> x.receivedFrom(index));
        BitSet lost = lost(acked, received);
        BitSet missing = new BitSet();
        missing.set(0, (int) written);
        missing.andNot(received);
        into[0] += acked.cardinality();
        into[1] += lost.cardinality();
        into[2] += written - acked.cardinality();
        into[3] += missing.cardinality();
        into[4] += lost.get(0, (int) b).cardinality();
        into[5] += lost.get((int) b, (int) Math.max(b, c)).cardinality();
        into[6] += lost.get((int) Math.max(b, c), Math.max((int) Math.max(b, c), lost.length())).cardinality();
    }

    /** The acknowledged sequence numbers that were not received. */
    static BitSet lost(BitSet acked, BitSet received) {
        BitSet lost = (BitSet) acked.clone();
        lost.andNot(received);
        return lost;
    }

    /** Each publisher's messages written so far. */
    private static long[] written(List<LoadClient> publishers) throws InterruptedException {
        long[] n = new long[publishers.size()];
        for (int i = 0; i < n.length; i++) {
            n[i] = publishers.get(i).query(LoadClient::written);
        }
        return n;
    }

    static int closed(List<LoadClient> clients) {
        int n = 0;
        for (LoadClient c : clients) {
            if (c.closedAtNanos() != 0) {
                n++;
            }
        }
        return n;
    }

    private static void sleep(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }
}
