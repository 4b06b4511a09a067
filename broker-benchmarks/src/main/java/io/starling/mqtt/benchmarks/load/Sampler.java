package io.starling.mqtt.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Takes a reading every {@code interval} seconds on a thread of its own, from its start until {@link #close()}, for
 * the time series of the overload and slow-consumer scenarios. A reading that fails is skipped (the loops it reads
 * may be shutting down); the first failure is kept.
 */
final class Sampler<T> implements AutoCloseable {
    /** One reading at {@code seconds} after the scenario's start. */
    interface Reading<T> {
        T read(double seconds) throws InterruptedException;
    }

    private final ScheduledExecutorService thread;
    private final List<T> samples = new ArrayList<>();
    private final long start;
    private String firstFailure;

    Sampler(long startNanos, double intervalSeconds, Reading<T> reading) {
        this.start = startNanos;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sampler");
            t.setDaemon(true);
            return t;
        });
        long period = (long) (intervalSeconds * 1e9);
        thread.scheduleAtFixedRate(() -> take(reading), 0, period, TimeUnit.NANOSECONDS);
    }

    private void take(Reading<T> reading) {
        try {
            T sample = reading.read(seconds(System.nanoTime()));
            synchronized (samples) {
                samples.add(sample);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            synchronized (samples) {
                if (firstFailure == null) {
                    firstFailure = e.toString();
                }
            }
        }
    }

    /** Seconds from the scenario's start to {@code nanos} ({@link System#nanoTime()}). */
    double seconds(long nanos) {
        return (nanos - start) / 1e9;
    }

    List<T> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    String firstFailure() {
        synchronized (samples) {
            return firstFailure;
        }
    }

    /** Stops sampling; waits for a reading under way (at most 15 s). */
    @Override
    public void close() throws InterruptedException {
        thread.shutdownNow();
        thread.awaitTermination(15, TimeUnit.SECONDS);
    }
}
