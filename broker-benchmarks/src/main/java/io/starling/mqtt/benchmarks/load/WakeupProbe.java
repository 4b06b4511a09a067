package io.starling.mqtt.benchmarks.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * How long a woken thread of this machine waits for a core, with no broker and no network: the machine's own share
 * of what the overload scenario's light clients see under a flood. Two threads ping-pong one byte over pipes once a
 * millisecond (two wake-ups per round trip, as a light message's trip has several), first alone, then while
 * CPU-bound threads at a given nice value (the flood generator's) spin. If the round trips' tail grows under that
 * load as much as the light clients' does under a flood, the growth is the machine's scheduler, not the broker's.
 *
 * <p>{@code java -cp broker-benchmarks/target/benchmarks.jar io.starling.mqtt.benchmarks.load.WakeupProbe
 * [idle-seconds=10] [loaded-seconds=10] [spinners=2] [nice=19]}
 */
public final class WakeupProbe {
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long ONE_MS = TimeUnit.MILLISECONDS.toNanos(1);

    private WakeupProbe() {}

    private static double us(long nanos) {
        return nanos / 1e3;
    }

    /** One phase's round trips, in nanoseconds; {@code perSecondP50} is the median of each whole second. */
    record Phase(String name, Histogram roundTrips, long overOneMs, List<Long> perSecondP50) {
        String line() {
            Histogram h = roundTrips;
            return String.format(Locale.ROOT, "%-6s round trips %6d  p50 %6.1f us  p99 %7.1f us  p99.9 %7.1f us  "
                            + "max %7.1f us  over 1 ms %5d (%.2f %%)  p50 per second (us) %s",
                    name, h.getTotalCount(), us(h.getValueAtPercentile(50)), us(h.getValueAtPercentile(99)),
                    us(h.getValueAtPercentile(99.9)), us(h.getMaxValue()), overOneMs,
                    h.getTotalCount() == 0 ? 0.0 : 100.0 * overOneMs / h.getTotalCount(),
                    perSecondP50.stream().map(v -> String.format(Locale.ROOT, "%.0f", us(v))).toList());
        }
    }

    /** Both phases, and what was done to the spinners' priority. */
    record Result(Phase idle, Phase loaded, String niced, long spins) {}

    public static void main(String[] args) throws Exception {
        double idle = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        double loaded = args.length > 1 ? Double.parseDouble(args[1]) : 10;
        int spinners = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int nice = args.length > 3 ? Integer.parseInt(args[3]) : 19;
        Result result = run(idle, loaded, spinners, nice);
        PrintStream out = System.out;
        out.println("wake-up probe: " + Runtime.getRuntime().availableProcessors() + " processors; loaded phase: "
                + spinners + " spinning threads, " + result.niced());
        out.println(result.idle().line());
        out.println(result.loaded().line());
        Histogram a = result.idle().roundTrips();
        Histogram b = result.loaded().roundTrips();
        out.printf(Locale.ROOT, "p99 loaded / idle: %.2f; max loaded / idle: %.2f%n",
                (double) b.getValueAtPercentile(99) / Math.max(1, a.getValueAtPercentile(99)),
                (double) b.getMaxValue() / Math.max(1, a.getMaxValue()));
    }

    static Result run(double idleSeconds, double loadedSeconds, int spinners, int nice)
            throws IOException, InterruptedException {
        Pipe there = Pipe.open();
        Pipe back = Pipe.open();
        Thread echo = new Thread(() -> echo(there.source(), back.sink()), "wakeup-echo");
        echo.setDaemon(true);
        echo.start();
        try {
            ByteBuffer one = ByteBuffer.allocate(1);
            // Warm-up: the loop's code compiled before anything is measured.
            measure("warmup", 0.5, one, there.sink(), back.source());
            Phase idle = measure("idle", idleSeconds, one, there.sink(), back.source());
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong spins = new AtomicLong();
            // Why a spinner could not be reniced, the first one to fail; null when all were.
            AtomicReference<String> failure = new AtomicReference<>();
            List<Thread> spinning = new ArrayList<>();
            CountDownLatch ready = new CountDownLatch(spinners);
            for (int i = 0; i < spinners; i++) {
                Thread t = new Thread(() -> spin(nice, stop, spins, failure, ready), "wakeup-spinner-" + i);
                t.setDaemon(true);
                t.start();
                spinning.add(t);
            }
            ready.await();
            Phase loaded;
            try {
                loaded = measure("loaded", loadedSeconds, one, there.sink(), back.source());
            } finally {
                stop.set(true);
                for (Thread t : spinning) {
                    t.join(TimeUnit.SECONDS.toMillis(10));
                }
            }
            String outcome = failure.get() != null ? "nice unchanged: " + failure.get()
                    : nice == 0 ? "nice unchanged" : "nice " + nice;
            return new Result(idle, loaded, outcome, spins.get());
        } finally {
            there.sink().close();
            back.sink().close();
            echo.join(TimeUnit.SECONDS.toMillis(10));
            there.source().close();
            back.source().close();
        }
    }

    private static Phase measure(String name, double seconds, ByteBuffer one, Pipe.SinkChannel out,
            Pipe.SourceChannel in) throws IOException {
        Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        Histogram second = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        List<Long> perSecond = new ArrayList<>();
        long overOneMs = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long secondEnds = start + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < end) {
            LockSupport.parkNanos(PERIOD_NANOS);
            long sent = System.nanoTime();
            one.clear().put((byte) 1).flip();
            out.write(one);
            one.clear();
            while (one.position() == 0) {
                if (in.read(one) < 0) {
                    throw new IOException("echo thread ended");
                }
            }
            long took = System.nanoTime() - sent;
            all.recordValue(Math.min(took, all.getHighestTrackableValue()));
            second.recordValue(Math.min(took, second.getHighestTrackableValue()));
            if (took > ONE_MS) {
                overOneMs++;
            }
            long now = System.nanoTime();
            if (now >= secondEnds) {
                perSecond.add(second.getValueAtPercentile(50));
                second.reset();
                secondEnds += TimeUnit.SECONDS.toNanos(1);
            }
        }
        return new Phase(name, all, overOneMs, perSecond);
    }

    private static void echo(Pipe.SourceChannel in, Pipe.SinkChannel out) {
        ByteBuffer b = ByteBuffer.allocate(1);
        try {
            while (true) {
                b.clear();
                if (in.read(b) < 0) {
                    return;
                }
                b.flip();
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
        } catch (IOException e) {
            // The probe closed its ends: done.
        }
    }

    private static void spin(int nice, AtomicBoolean stop, AtomicLong spins, AtomicReference<String> failure,
            CountDownLatch ready) {
        String why = nice != 0 ? ThreadNice.reniceCurrentThread(nice) : null;
        if (why != null) {
            failure.compareAndSet(null, why);
        }
        ready.countDown();
        long n = 0;
        while (!stop.get()) {
            n++;
        }
        spins.addAndGet(n);
    }
}
