package io.starling.mqtt.benchmarks.flood;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.starling.mqtt.benchmarks.load.Transport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Attack (a): {@code flood.attempts} TCP connection attempts to the broker, kinds from the {@link AttackMix}, issued
 * from one thread as fast as the {@code flood.pending} bound on unfinished connects allows, until all are issued or
 * the attack window ends. Held connections stay open until the broker closes them or {@link #close()}.
 */
final class ConnectionFlood {
    private final String host;
    private final int port;
    private final int attempts;
    private final AttackMix mix;
    private final AttackTally tally;
    private final Semaphore pending;
    private final Bootstrap bootstrap;
    private final List<Channel> channels = Collections.synchronizedList(new ArrayList<>());
    private volatile long issuedAt;
    private Thread thread;

    ConnectionFlood(EventLoopGroup group, String host, int port, FloodParams p) {
        this.host = host;
        this.port = port;
        this.attempts = p.i("flood.attempts");
        this.mix = AttackMix.parse(p.get("flood.mix"));
        this.tally = new AttackTally(mix.planned(attempts));
        this.pending = new Semaphore(p.i("flood.pending"));
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(Transport.socketChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) (p.d("flood.connect.timeout") * 1000));
    }

    AttackTally tally() {
        return tally;
    }

    /** Starts issuing attempts on a thread of its own; stops issuing at {@code deadlineNanos}. */
    void start(long deadlineNanos) {
        thread = new Thread(() -> issue(deadlineNanos), "flood-attempts");
        thread.setDaemon(true);
        thread.start();
    }

    private void issue(long deadline) {
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < attempts; i++) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !pending.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                    break;
                }
                attempt(i);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        issuedAt = System.nanoTime() - t0;
    }

    private void attempt(int i) {
        AttackKind kind = mix.kindOf(i);
        tally.attempted(kind);
        ChannelFuture f = bootstrap.clone().handler(new FloodConnection(kind, i, tally)).connect(host, port);
        channels.add(f.channel());
        f.addListener(done -> {
            if (done.isSuccess()) {
                tally.connected(kind);
            } else {
                tally.notConnected(kind, done.cause());
            }
            pending.release();
        });
    }

    /** Seconds from the first attempt until the last was issued, NaN while issuing. */
    double issueSeconds() {
        long n = issuedAt;
        return n == 0 ? Double.NaN : n / 1e9;
    }

    /** Whether every attempt issued so far has ended (connected, refused, timed out or failed) and none is left. */
    boolean finished() {
        return issuedAt != 0 && tally.pending() == 0;
    }

    /** Stops issuing, stops counting closes as the broker's, closes every connection; waits at most 5 s. */
    void close() throws InterruptedException {
        if (thread != null) {
            thread.interrupt();
            thread.join(5_000);
        }
        tally.freeze();
        List<Channel> all;
        synchronized (channels) {
            all = new ArrayList<>(channels);
        }
        for (Channel ch : all) {
            ch.close();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Channel ch : all) {
            ch.closeFuture().await(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
    }
}
