package io.starling.mqtt.benchmarks.flood;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.starling.mqtt.benchmarks.load.BrokerProbe;
import io.starling.mqtt.benchmarks.load.Transport;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the flood scenario against a broker at {@code host:port}: the well-behaved client connects, subscribes and
 * publishes to itself through a warm-up and a baseline window; then, for the attack window, the connection flood
 * and the big-packet client hit the same listener while it goes on; then the attackers close, the client's last
 * messages get a short drain, and the windows are summarised. Bounded: every wait has a deadline.
 */
public final class FloodScenario {
    private static final long PROBE_SETUP_SECONDS = 30;

    private final String host;
    private final int port;
    private final FloodParams params;
    private final BrokerProbe broker;

    public FloodScenario(String host, int port, FloodParams params, BrokerProbe broker) {
        this.host = host;
        this.port = port;
        this.params = params;
        this.broker = broker;
    }

    /** Seconds the scenario takes once the broker is up, set-up and teardown aside. */
    public static double plannedSeconds(FloodParams p) {
        return p.d("flood.warmup") + p.d("flood.baseline") + p.d("flood.attack") + p.d("flood.drain");
    }

    public FloodResult run() throws InterruptedException {
        double threshold = params.d("flood.threshold.ms");
        EventLoopGroup probeGroup = Transport.group(1, "flood-probe");
        EventLoopGroup attackGroup = Transport.group(params.i("flood.threads"), "flood-attack");
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flood-rss");
            t.setDaemon(true);
            return t;
        });
        int capacity = (int) Math.ceil(params.d("flood.rate") * (plannedSeconds(params) + 5)) + 16;
        RoundTripProbe probe = new RoundTripProbe(capacity);
        ConnectionFlood flood = new ConnectionFlood(attackGroup, host, port, params);
        BigPacketClient big = new BigPacketClient(Integer.parseInt(params.get("flood.big.length")),
                params.d("flood.big.trickle"));
        Channel probeChannel = null;
        Channel bigChannel = null;
        try {
            ChannelFuture probeConnect = connect(probeGroup, probe);
            probeChannel = probeConnect.channel();
            probeConnect.addListener(f -> {
                if (!f.isSuccess()) {
                    probe.ready().completeExceptionally(f.cause());
                }
            });
            try {
                probe.ready().get(PROBE_SETUP_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                return FloodResult.failed("", "the well-behaved client could not subscribe: "
                        + (e instanceof ExecutionException ? e.getCause().getMessage() : "timed out"), threshold);
            }
            probe.start(params.d("flood.rate"));
            sleep(params.d("flood.warmup"));
            long baselineAt = System.nanoTime();
            sleep(params.d("flood.baseline"));

            long attackAt = System.nanoTime();
            long attackEnd = attackAt + (long) (params.d("flood.attack") * 1e9);
            long rssBefore = broker.rssBytes();
            AtomicLong rssMax = new AtomicLong(rssBefore);
            sampler.scheduleAtFixedRate(() -> rssMax.accumulateAndGet(broker.rssBytes(), Math::max), 0, 100,
                    TimeUnit.MILLISECONDS);
            double cpu0 = broker.cpuSeconds();
            flood.start(attackEnd);
            ChannelFuture bigConnect = connect(attackGroup, big);
            bigChannel = bigConnect.channel();
            bigConnect.addListener(f -> {
                if (!f.isSuccess()) {
                    big.connectFailed(f.cause());
                }
            });
            long burstEnd = 0;
            while (System.nanoTime() < attackEnd) {
                Thread.sleep(10);
                if (burstEnd == 0 && flood.finished()) {
                    burstEnd = System.nanoTime();
                }
            }
            long attackStop = System.nanoTime();
            double cpu1 = broker.cpuSeconds();

            onLoop(probeChannel, () -> {
                probe.stop();
                return null;
            });
            flood.tally().freeze();
            AttackTally.Snapshot attempts = flood.tally().snapshot();
            BigPacketOutcome bigOutcome = onLoop(bigChannel, () -> {
                big.stop();
                return big.outcome();
            });
            flood.close();

            long drainEnd = System.nanoTime() + (long) (params.d("flood.drain") * 1e9);
            while (System.nanoTime() < drainEnd) {
                int[] progress = onLoop(probeChannel, probe::progress);
                if (progress[1] >= progress[0]) {
                    break;
                }
                Thread.sleep(20);
            }
            long end = System.nanoTime();
            long burstStop = burstEnd == 0 ? attackStop : burstEnd;
            RttSummary baseline = onLoop(probeChannel, () -> probe.window(baselineAt, attackAt, end));
            RttSummary attack = onLoop(probeChannel, () -> probe.window(attackAt, attackStop, end));
            RttSummary burst = onLoop(probeChannel, () -> probe.window(attackAt, burstStop, end));
            long duplicates = onLoop(probeChannel, probe::duplicates);
            sampler.shutdownNow();
            return new FloodResult("", null, threshold, baseline, attack, burst,
                    burstEnd == 0 ? Double.NaN : (burstEnd - attackAt) / 1e9, probe.closedUnexpectedly(), duplicates,
                    attempts, bigOutcome, rssBefore, rssMax.get(), broker.peakRssBytes(), cpu1 - cpu0);
        } finally {
            sampler.shutdownNow();
            flood.close();
            if (probeChannel != null && probeChannel.isActive()) {
                Channel ch = probeChannel;
                ch.eventLoop().execute(probe::disconnect);
                ch.closeFuture().await(2, TimeUnit.SECONDS);
            }
            if (bigChannel != null) {
                bigChannel.close().await(2, TimeUnit.SECONDS);
            }
            probeGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
            attackGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    private ChannelFuture connect(EventLoopGroup group, ChannelHandler handler) {
        return new Bootstrap()
                .group(group)
                .channel(Transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(handler)
                .connect(host, port);
    }

    /** Runs {@code task} on the channel's event loop and waits for it (at most 10 s). */
    private static <T> T onLoop(Channel ch, Callable<T> task) throws InterruptedException {
        try {
            return ch.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("event loop task failed", e);
        }
    }

    private static void sleep(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }
}
