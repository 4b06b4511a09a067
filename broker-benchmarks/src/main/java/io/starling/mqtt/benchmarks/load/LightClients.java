package io.starling.mqtt.benchmarks.load;

import io.netty.channel.EventLoopGroup;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The overload scenario's light clients, seen from the scenario: in the generator's own process, or in a JVM of
 * their own ({@link LightClientsProcess}), where the flood's publishers and subscribers do not share their
 * process: its collector, its JIT compiler, its threads' scheduling.
 */
interface LightClients extends AutoCloseable {
    /** Publishing on: every light client starts its rate. */
    void start() throws InterruptedException;

    /** Clears the round-trip histograms and starts recording. */
    void resetLatency() throws InterruptedException;

    /** The round trips recorded since the last take or reset; clears them. */
    Histogram takeLatency() throws InterruptedException;

    /** Deliveries so far and the round trips of the interval since the last call. */
    Interval interval() throws InterruptedException;

    /** Publishing and recording off. */
    void stop() throws InterruptedException;

    /** Once everything drained: what the broker acknowledged and what of it was lost. */
    Losses losses() throws InterruptedException;

    @Override
    void close() throws InterruptedException;

    record Interval(long received, Histogram latency) {}

    /**
     * @param acked messages the broker acknowledged
     * @param lost of those, never received
     * @param unacked written and never acknowledged
     * @param duplicates deliveries received more than once
     * @param closed light clients whose connection closed before the end
     */
    record Losses(long acked, long lost, long unacked, long duplicates, int closed) {}

    /** Light clients on an event loop of the generator's own process (and its {@link RunContext}). */
    final class InProcess implements LightClients {
        private final RunContext run;
        private final EventLoopGroup group;
        private final List<LoadClient> clients;

        InProcess(RunContext run, EventLoopGroup group, List<LoadClient> clients) {
            this.run = run;
            this.group = group;
            this.clients = clients;
        }

        @Override
        public void start() throws InterruptedException {
            run.readLoopsOf(group, s -> {
                s.publishing = true;
                return null;
            });
            clients.forEach(LoadClient::start);
        }

        @Override
        public void resetLatency() throws InterruptedException {
            OverloadScenario.resetLatency(run, group, true);
        }

        @Override
        public Histogram takeLatency() throws InterruptedException {
            return take(s -> s.latency);
        }

        @Override
        public Interval interval() throws InterruptedException {
            long received = run.counters(group).received();
            return new Interval(received, take(s -> s.intervalLatency));
        }

        private Histogram take(java.util.function.Function<LoopStats, Histogram> which) throws InterruptedException {
            return OverloadScenario.take(run, group, which);
        }

        @Override
        public void stop() throws InterruptedException {
            run.readLoopsOf(group, s -> {
                s.publishing = false;
                s.measuring = false;
                return null;
            });
        }

        @Override
        public Losses losses() throws InterruptedException {
            // acked, acked and lost, written and unacked, and what accumulate also counts for heavy publishers
            long[] light = new long[7];
            for (LoadClient c : clients) {
                OverloadScenario.accumulate(light, c, c, c.spec().publisher().index(), 0, 0);
            }
            return new Losses(light[0], light[1], light[2], run.counters(group).duplicates(),
                    OverloadScenario.closed(clients));
        }

        @Override
        public void close() {
            // The scenario closes its groups and channels.
        }
    }
}
