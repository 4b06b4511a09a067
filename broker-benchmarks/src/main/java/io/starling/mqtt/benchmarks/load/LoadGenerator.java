package io.starling.mqtt.benchmarks.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.HdrHistogram.Histogram;

/**
 * Runs one scenario against a broker at {@code host:port}: connects the subscribers, then the publishers, publishes
 * through a warm-up and a measured window, stops the publishers, waits for in-flight messages to drain, and
 * disconnects everybody. Bounded in time: every wait has a deadline from {@link Params}.
 */
public final class LoadGenerator {
    private static final double[] PERCENTILES = {50, 99, 99.9};

    private final String host;
    private final int port;
    /** A target's WebSocket listener is on the port after its MQTT port (runner convention, Target). */
    public static final int WS_PORT_OFFSET = 1;
    private final Params params;
    private final BrokerProbe probe;
    private RunContext current;
    /** Whether clients speak MQTT over WebSocket, to the listener one port above {@link #port}. */
    private boolean webSocket;

    public LoadGenerator(String host, int port, Params params, BrokerProbe probe) {
        this.host = host;
        this.port = port;
        this.params = params;
        this.probe = probe;
    }

    public ScenarioResult run(Scenario scenario) throws InterruptedException {
        webSocket = scenario.overWebSocket();
        EventLoopGroup group = Transport.group(params.i("threads"), "loadgen");
        List<Channel> channels = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            return scenario.carriesMessages()
                    ? messages(scenario, group, channels)
                    : connections(group, channels);
        } catch (ScenarioFailure e) {
            return ScenarioResult.failed(scenario.id(), "", e.getMessage(), probe.peakRssBytes());
        } finally {
            close(List.of(group), channels, current);
        }
    }

    private ScenarioResult messages(Scenario scenario, EventLoopGroup group, List<Channel> channels)
            throws InterruptedException {
        Layout layout = Layout.of(scenario, params);
        RunContext run = current = new RunContext(group, layout.publisherCount(), params.i("connect.pending"));
        Bootstrap bootstrap = bootstrap(group);
        long setupDeadline = deadline("setup.timeout");
        connectAll(bootstrap, run, layout.subscribers(), channels, null, 1, setupDeadline);
        List<LoadClient> publishers = connectAll(bootstrap, run, layout.publishers(), channels, null, 1, setupDeadline);
        double setupSeconds = (System.nanoTime() - setupDeadline) / 1e9 + params.d("setup.timeout");

        run.runOnEveryLoop(s -> s.publishing = true);
        for (LoadClient p : publishers) {
            p.start();
        }
        sleep(params.d("warmup"));

        double cpu0 = probe.cpuSeconds();
        double gen0 = ProcStat.cpuSeconds(ProcStat.self());
        long t0 = System.nanoTime();
        Counters c0 = Counters.sum(run.readEveryLoop(s -> {
            s.measuring = true;
            return s.snapshot();
        }));
        sleep(params.d("duration"));
        Counters c1 = Counters.sum(run.readEveryLoop(s -> {
            s.measuring = false;
            return s.snapshot();
        }));
        long t1 = System.nanoTime();
        double cpu1 = probe.cpuSeconds();
        double gen1 = ProcStat.cpuSeconds(ProcStat.self());
        run.runOnEveryLoop(s -> s.publishing = false);
        Histogram latency = run.latency();
        Histogram ackLatency = run.ackLatency();

        long drainStart = System.nanoTime();
        Counters end = drain(run, params.d("drain"));
        double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
        return new ScenarioResult(scenario.id(), "", null, (t1 - t0) / 1e9, c1.received() - c0.received(),
                c1.sent() - c0.sent(), cpu1 - cpu0, gen1 - gen0, probe.peakRssBytes(), end, percentiles(latency),
                percentiles(ackLatency), 0, 0, -1, -1,
                new ScenarioResult.Setup(setupSeconds, run.retries(), run.firstRetryReason(), drainSeconds));
    }

    /** p50, p99, p99.9 and max; empty when nothing was recorded. */
    private static long[] percentiles(Histogram h) {
        return h.getTotalCount() == 0 ? new long[0] : new long[] {h.getValueAtPercentile(PERCENTILES[0]),
            h.getValueAtPercentile(PERCENTILES[1]), h.getValueAtPercentile(PERCENTILES[2]), h.getMaxValue()};
    }

    /**
     * Waits at most {@code seconds} until every QoS 1/2 publish is acknowledged and every expected delivery arrived,
     * or deliveries stop for a second.
     */
    static Counters drain(RunContext run, double seconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long quietSince = System.nanoTime();
        Counters last = run.counters();
        while (System.nanoTime() < deadline) {
            Thread.sleep(50);
            Counters now = run.counters();
            if (now.inflight() == 0 && now.unique() >= now.expected()) {
                return now;
            }
            if (now.received() != last.received() || now.completed() != last.completed()) {
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(1_000)) {
                return now; // nothing moves any more: the rest is lost
            }
            last = now;
        }
        return run.counters();
    }

    private ScenarioResult connections(EventLoopGroup group, List<Channel> channels) throws InterruptedException {
        int count = params.i("connections.count");
        int sources = params.i("connections.sources");
        List<ClientSpec> specs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            specs.add(new ClientSpec("lc" + i, 0, null, 0, null));
        }
        warmUpConnections(group, Math.min(params.i("connections.warmup"), count), sources);
        RunContext run = current = new RunContext(group, 0, params.i("connect.pending"));
        long rss0 = probe.rssBytes();
        long heap0 = probe.heapAfterGcBytes();
        double cpu0 = probe.cpuSeconds();
        long t0 = System.nanoTime();
        connectAll(bootstrap(group), run, specs, channels, "127.0.0.", sources, deadline("setup.timeout"));
        long t1 = System.nanoTime();
        double cpu1 = probe.cpuSeconds();
        sleep(params.d("connections.hold"));
        int established = run.readyCount();
        long rss1 = probe.rssBytes();
        long heap1 = probe.heapAfterGcBytes();
        Counters totals = run.counters();
        long rssPer = rss0 < 0 || rss1 < 0 ? -1 : (rss1 - rss0) / Math.max(1, established);
        long heapPer = heap0 < 0 || heap1 < 0 ? -1 : (heap1 - heap0) / Math.max(1, established);
        return new ScenarioResult(Scenario.CONNECTIONS.id(), "", null, (t1 - t0) / 1e9, 0, 0, cpu1 - cpu0, Double.NaN,
                probe.peakRssBytes(), totals, new long[0], new long[0], established, established / ((t1 - t0) / 1e9),
                rssPer, heapPer, new ScenarioResult.Setup((t1 - t0) / 1e9, run.retries(), run.firstRetryReason(), 0));
    }

    /** Opens and closes {@code n} connections, so that neither side's connect path is cold when it is timed. */
    private void warmUpConnections(EventLoopGroup group, int n, int sources) throws InterruptedException {
        if (n <= 0) {
            return;
        }
        List<ClientSpec> specs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            specs.add(new ClientSpec("lw" + i, 0, null, 0, null));
        }
        RunContext warm = new RunContext(group, 0, params.i("connect.pending"));
        List<Channel> channels = java.util.Collections.synchronizedList(new ArrayList<>(n));
        connectAll(bootstrap(group), warm, specs, channels, "127.0.0.", sources, deadline("setup.timeout"));
        warm.closing();
        disconnectAll(channels);
        Thread.sleep(300); // let the broker finish with the closed connections before the baseline is read
    }

    static Bootstrap bootstrap(EventLoopGroup group) {
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(Transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        if (Transport.epoll()) {
            // a source address without a port: the port is picked at connect time, per destination
            b.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }
        return b;
    }

    /**
     * Connects every client, at most {@code connect.pending} at a time, and waits until each is ready (CONNACK, and
     * SUBACK for a subscriber). A client that fails before it is ready is retried after 50 ms, up to
     * {@link RunContext#MAX_ATTEMPTS} attempts in all. {@code sourcePrefix} non-null: source addresses
     * {@code prefix1..prefixN} in turn.
     */
    List<LoadClient> connectAll(Bootstrap bootstrap, RunContext run, List<ClientSpec> specs,
            List<Channel> channels, String sourcePrefix, int sources, long deadline) throws InterruptedException {
        int readyBefore = run.readyCount();
        AtomicReferenceArray<LoadClient> clients = new AtomicReferenceArray<>(specs.size());
        run.onRetry(failed -> bootstrap.config().group().schedule(
                () -> connect(bootstrap, run, failed.spec(), failed.slot(), failed.attempt() + 1, clients, channels,
                        sourcePrefix, sources), 50, TimeUnit.MILLISECONDS));
        for (int i = 0; i < specs.size(); i++) {
            if (!run.acquireConnectSlot(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())))) {
                throw new ScenarioFailure(timedOut(run, readyBefore, specs.size()));
            }
            if (run.failedCount() > 0) {
                throw new ScenarioFailure("connect failed: " + run.firstFailure());
            }
            connect(bootstrap, run, specs.get(i), i, 0, clients, channels, sourcePrefix, sources);
        }
        int target = readyBefore + specs.size();
        while (run.readyCount() < target) {
            if (run.failedCount() > 0) {
                throw new ScenarioFailure("connect failed: " + run.firstFailure());
            }
            if (System.nanoTime() > deadline) {
                throw new ScenarioFailure(timedOut(run, readyBefore, specs.size()));
            }
            Thread.sleep(5);
        }
        run.onRetry(null);
        List<LoadClient> list = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            list.add(clients.get(i));
        }
        return list;
    }

    private void connect(Bootstrap bootstrap, RunContext run, ClientSpec spec, int slot, int attempt,
            AtomicReferenceArray<LoadClient> clients, List<Channel> channels, String sourcePrefix, int sources) {
        LoadClient client = new LoadClient(spec, run, slot, attempt);
        clients.set(slot, client);
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (webSocket) {
                    ch.pipeline().addLast(new WebSocketClientFraming(host, port + WS_PORT_OFFSET, "/mqtt"));
                }
                ch.pipeline().addLast(client);
            }
        });
        int target = webSocket ? port + WS_PORT_OFFSET : port;
        ChannelFuture f = sourcePrefix == null
                ? b.connect(host, target)
                : b.connect(new InetSocketAddress(host, target),
                        new InetSocketAddress(sourcePrefix + (1 + slot % sources), 0));
        channels.add(f.channel());
        f.addListener(done -> {
            if (!done.isSuccess()) {
                client.fail("connect: " + done.cause());
            }
        });
    }

    private static String timedOut(RunContext run, int readyBefore, int total) {
        return "setup timed out: " + (run.readyCount() - readyBefore) + " of " + total + " clients ready"
                + (run.failedCount() > 0 ? "; " + run.firstFailure() : "");
    }

    /**
     * Lets every loop finish what it has queued, marks {@code run} (may be null) as closing, disconnects every
     * channel and shuts the groups down.
     */
    static void close(List<EventLoopGroup> groups, List<Channel> channels, RunContext run)
            throws InterruptedException {
        try {
            for (EventLoopGroup group : groups) {
                for (io.netty.util.concurrent.EventExecutor loop : group) {
                    loop.submit(() -> { }).await(5, TimeUnit.SECONDS);
                }
            }
            if (run != null) {
                run.closing();
            }
            disconnectAll(channels);
        } finally {
            for (EventLoopGroup group : groups) {
                group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
            }
        }
    }

    /** DISCONNECT and close on every channel; waits at most 5 s for them to close. */
    private static void disconnectAll(List<Channel> list) throws InterruptedException {
        List<Channel> channels;
        synchronized (list) {
            channels = new ArrayList<>(list);
        }
        for (Channel ch : channels) {
            LoadClient client = ch.pipeline().get(LoadClient.class);
            if (client != null) {
                ch.eventLoop().execute(client::disconnect);
            } else {
                ch.close();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Channel ch : channels) {
            ch.closeFuture().await(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
    }

    private long deadline(String key) {
        return System.nanoTime() + (long) (params.d(key) * 1e9);
    }

    private static void sleep(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }

    /** A scenario that cannot complete; reported as its result, not thrown further. */
    static final class ScenarioFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ScenarioFailure(String message) {
            super(message, null, false, false);
        }
    }
}
