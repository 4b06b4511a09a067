package io.starling.mqtt.benchmarks.load;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;

/**
 * The slow-consumer scenario of issue 7. Two publishers flood one topic level each, {@code bench/slow/0} at QoS 0
 * and {@code bench/slow/1} at QoS 1 (as fast as the broker takes them, or at {@code slow.rate}); the
 * {@code slow.subscribers} subscribers all subscribe to {@code bench/slow/+} at QoS 1, so each gets both streams on
 * one connection. After a warm-up and a measured window, the first subscriber, S1, stops reading from its socket and
 * keeps its connection open; the others go on for {@code slow.after} seconds. Then the publishers stop, S1 reads
 * again, and what is left drains. S1 runs on an event loop of its own. Every client keeps the sequence numbers it
 * received or had acknowledged, so the QoS 1 messages the broker acknowledged and a subscriber never got are
 * counted exactly.
 */
public final class SlowConsumerScenario {
    static final String FILTER = "bench/slow/+";
    static final String TOPIC = "bench/slow/";

    private final String host;
    private final int port;
    private final Params params;
    private final BrokerProbe probe;

    public SlowConsumerScenario(String host, int port, Params params, BrokerProbe probe) {
        this.host = host;
        this.port = port;
        this.params = params;
        this.probe = probe;
    }

    public static double plannedSeconds(Params p) {
        return p.d("slow.warmup") + p.d("slow.before") + p.d("slow.after");
    }

    /** The subscribers (S1 first) and the two publishers: index 0 at QoS 0, index 1 at QoS 1. */
    record Clients(List<ClientSpec> subscribers, ClientSpec qos0, ClientSpec qos1) {
        static Clients of(Params p) {
            int n = p.i("slow.subscribers");
            if (n < 2) {
                throw new IllegalArgumentException("slow.subscribers must be at least 2: " + n);
            }
            List<ClientSpec> subs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                subs.add(new ClientSpec("slow-sub-" + (i + 1), Layout.KEEP_ALIVE, FILTER, 1, null, true, true));
            }
            int payload = p.i("payload");
            double rate = p.d("slow.rate");
            int qos0Window = p.i("qos0.window") <= 0 ? 0
                    : Math.max(Layout.MIN_QOS0_WINDOW, Math.round((float) p.i("qos0.window") / n));
            return new Clients(List.copyOf(subs), publisher(0, 0, n, payload, p.i("window"), rate, qos0Window),
                    publisher(1, 1, n, payload, p.i("window"), rate, 0));
        }

        private static ClientSpec publisher(int index, int qos, int matches, int payload, int window, double rate,
                int qos0Window) {
            return new ClientSpec("slow-pub-qos" + qos, Layout.KEEP_ALIVE, null, 0,
                    new ClientSpec.PublisherSpec(index, qos, new byte[][] {Wire.utf8(TOPIC + index)},
                            new int[] {matches}, payload, window, rate, 0x510L + index, qos0Window), true, true);
        }
    }

    public SlowConsumerResult run() throws InterruptedException {
        EventLoopGroup mainGroup = Transport.group(params.i("threads"), "slow-main");
        EventLoopGroup s1Group = Transport.group(1, "slow-s1");
        List<Channel> channels = Collections.synchronizedList(new ArrayList<>());
        Clients clients = Clients.of(params);
        RunContext run = new RunContext(List.of(mainGroup, s1Group), 2, params.i("connect.pending"));
        try {
            return measure(clients, run, mainGroup, s1Group, channels);
        } catch (LoadGenerator.ScenarioFailure e) {
            return SlowConsumerResult.failed("", e.getMessage());
        } finally {
            LoadGenerator.close(List.of(mainGroup, s1Group), channels, run);
        }
    }

    private SlowConsumerResult measure(Clients clients, RunContext run, EventLoopGroup mainGroup,
            EventLoopGroup s1Group, List<Channel> channels) throws InterruptedException {
        LoadGenerator connector = new LoadGenerator(host, port, params, probe);
        long deadline = System.nanoTime() + (long) (params.d("setup.timeout") * 1e9);
        LoadClient s1 = connector.connectAll(LoadGenerator.bootstrap(s1Group), run,
                clients.subscribers().subList(0, 1), channels, null, 1, deadline).get(0);
        List<LoadClient> healthy = connector.connectAll(LoadGenerator.bootstrap(mainGroup), run,
                clients.subscribers().subList(1, clients.subscribers().size()), channels, null, 1, deadline);
        List<LoadClient> pubs = connector.connectAll(LoadGenerator.bootstrap(mainGroup), run,
                List.of(clients.qos0(), clients.qos1()), channels, null, 1, deadline);
        LoadClient qos0 = pubs.get(0);
        LoadClient qos1 = pubs.get(1);

        long start = System.nanoTime();
        long startEpoch = System.currentTimeMillis();
        double[] marks = new double[4];
        try (Sampler<SlowConsumerResult.Sample> sampler = new Sampler<>(start, params.d("sample.interval"), t -> {
            Counters main = run.counters(mainGroup);
            Counters slow = run.counters(s1Group);
            return new SlowConsumerResult.Sample(t, main.received(), slow.received(), main.sent(), main.completed(),
                    probe.rssBytes());
        })) {
            run.runOnEveryLoop(s -> s.publishing = true);
            qos0.start();
            qos1.start();
            sleep(params.d("slow.warmup"));

            marks[SlowConsumerResult.BEFORE] = sampler.seconds(System.nanoTime());
            SlowConsumerResult.Window w0 = window(start, healthy, qos0, qos1);
            long s1At0 = s1Count(s1);
            sleep(params.d("slow.before"));
            SlowConsumerResult.Window w1 = window(start, healthy, qos0, qos1);
            s1.pauseReading();
            long stallAt = System.nanoTime();
            marks[SlowConsumerResult.STALL] = sampler.seconds(stallAt);
            long s1AtStall = s1Count(s1);
            sleep(params.d("slow.after"));
            SlowConsumerResult.Window w2 = window(start, healthy, qos0, qos1);
            marks[SlowConsumerResult.RESUME] = sampler.seconds(System.nanoTime());
            run.runOnEveryLoop(s -> s.publishing = false);
            long s1AtResume = s1Count(s1);
            sleep(params.d("sample.interval") * 1.5); // one more reading before S1 reads again
            s1.resumeReading();
            LoadGenerator.drain(run, params.d("slow.drain"));
            marks[SlowConsumerResult.END] = sampler.seconds(System.nanoTime());
            sampler.close();

            BitSet acked = qos1.query(LoadClient::acknowledged);
            long qos0Written = qos0.query(LoadClient::written);
            long healthyAcked = 0;
            long healthyLost = 0;
            long healthyQos0Missing = 0;
            long healthyLostBefore = 0;
            int stallSeq = (int) w1.qos1Written();
            for (LoadClient h : healthy) {
                healthyAcked += acked.cardinality();
                BitSet lost = OverloadScenario.lost(acked, h.query(c -> c.receivedFrom(1)));
                healthyLost += lost.cardinality();
                healthyLostBefore += lost.get(0, stallSeq).cardinality();
                healthyQos0Missing += qos0Written - h.query(c -> c.receivedFrom(0)).cardinality();
            }
            BitSet s1Qos1 = s1.query(c -> c.receivedFrom(1));
            long closedAt = s1.closedAtNanos();
            SlowConsumerResult.SlowSubscriber fate = new SlowConsumerResult.SlowSubscriber(
                    closedAt == 0 ? Double.NaN : (closedAt - stallAt) / 1e9, s1AtResume - s1AtStall,
                    s1.query(c -> c.receivedFrom(0)).cardinality(), qos0Written, s1Qos1.cardinality(),
                    acked.cardinality(), OverloadScenario.lost(acked, s1Qos1).cardinality(), s1Count(s1) - s1AtResume);
            Counters main = run.counters(mainGroup);
            String error = sampler.firstFailure() == null ? null : "sampling: " + sampler.firstFailure();
            if (s1At0 == s1AtStall) {
                error = (error == null ? "" : error + "; ") + "S1 received nothing before the stall";
            }
            return new SlowConsumerResult("", error, clients.subscribers().size(), marks, w1.minus(w0), w2.minus(w1),
                    fate, healthyAcked, healthyLost, healthyLostBefore, qos0Written * healthy.size(), healthyQos0Missing,
                    main.duplicates(), OverloadScenario.closed(healthy), OverloadScenario.closed(pubs),
                    sampler.samples(), probe.peakRssBytes(), List.of(), startEpoch, params.d("slow.keep"),
                    (long) (params.d("slow.growth") * (1 << 20)));
        }
    }

    private static long s1Count(LoadClient s1) throws InterruptedException {
        return s1.query(c -> c.receivedCount(0) + c.receivedCount(1));
    }

    /** Cumulative figures from the start: the healthy subscribers' arrivals by QoS, the publishers' writes and acks. */
    private static SlowConsumerResult.Window window(long start, List<LoadClient> healthy, LoadClient qos0,
            LoadClient qos1) throws InterruptedException {
        long q0 = 0;
        long q1 = 0;
        for (LoadClient h : healthy) {
            long[] counts = h.query(c -> new long[] {c.receivedCount(0), c.receivedCount(1)});
            q0 += counts[0];
            q1 += counts[1];
        }
        long[] p1 = qos1.query(c -> new long[] {c.written(), c.acknowledged().cardinality()});
        return new SlowConsumerResult.Window((System.nanoTime() - start) / 1e9, q0, q1, qos0.query(LoadClient::written),
                p1[0], p1[1]);
    }

    private static void sleep(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }
}
