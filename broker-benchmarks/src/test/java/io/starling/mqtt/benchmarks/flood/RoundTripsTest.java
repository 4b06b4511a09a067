package io.starling.mqtt.benchmarks.flood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RoundTripsTest {
    private static final long MS = 1_000_000L;
    private static final long NONE = RoundTrips.NOT_RECEIVED;

    @Test
    void aWindowTakesTheMessagesSentInItAndTheirRoundTrips() {
        // sent at 0, 10, ..., 90 ms; message i takes (i + 1) ms
        long[] sent = new long[10];
        long[] received = new long[10];
        for (int i = 0; i < 10; i++) {
            sent[i] = i * 10 * MS;
            received[i] = sent[i] + (i + 1) * MS;
        }
        RttSummary first = RoundTrips.summarize(sent, received, 10, 0, 50 * MS, 200 * MS);
        assertThat(first.messages()).isEqualTo(5); // sent at 0..40 ms; 50 ms belongs to the next window
        assertThat(first.missing()).isZero();
        assertThat((double) first.p50Nanos()).isCloseTo(3 * MS, within(0.01 * MS));
        assertThat((double) first.maxNanos()).isCloseTo(5 * MS, within(0.01 * MS));

        RttSummary second = RoundTrips.summarize(sent, received, 10, 50 * MS, 100 * MS, 200 * MS);
        assertThat(second.messages()).isEqualTo(5);
        assertThat((double) second.p50Nanos()).isCloseTo(8 * MS, within(0.01 * MS));
    }

    @Test
    void messagesThatNeverCameBackCountWithTheirWaitSoFar() {
        // four messages: two quick ones, two never answered; the window closes at 1 s
        long[] sent = {0, 10 * MS, 20 * MS, 30 * MS};
        long[] received = {1 * MS, 11 * MS, NONE, NONE};
        RttSummary r = RoundTrips.summarize(sent, received, 4, 0, 40 * MS, 1_000 * MS);
        assertThat(r.messages()).isEqualTo(4);
        assertThat(r.missing()).isEqualTo(2);
        assertThat((double) r.maxNanos()).isCloseTo(980 * MS, within(2.0 * MS)); // sent at 20 ms, still waiting at 1 s
        // a broker that answers only the first half cannot have a fast median
        RttSummary most = RoundTrips.summarize(new long[] {0, 1, 2}, new long[] {1 * MS, NONE, NONE}, 3, 0, 3,
                500 * MS);
        assertThat(most.p50Nanos()).isGreaterThan(400 * MS);
    }

    @Test
    void onlyTheMessagesSentSoFarCount() {
        long[] sent = {0, 10 * MS, 0, 0};
        long[] received = {1 * MS, 12 * MS, NONE, NONE};
        RttSummary r = RoundTrips.summarize(sent, received, 2, 0, 100 * MS, 200 * MS);
        assertThat(r.messages()).isEqualTo(2);
        assertThat(r.missing()).isZero();
    }

    @Test
    void aWindowWithoutMessagesHasNoFigures() {
        RttSummary r = RoundTrips.summarize(new long[] {0}, new long[] {MS}, 1, 10 * MS, 20 * MS, 30 * MS);
        assertThat(r).isEqualTo(RttSummary.NONE);
        assertThat(r.p50Nanos()).isEqualTo(-1);
    }
}
