package io.starling.mqtt.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeqTrackerTest {

    @Test
    void tellsFreshLateDuplicateAndTooOldApart() {
        SeqTracker t = new SeqTracker();
        assertThat(t.accept(0)).isEqualTo(SeqTracker.FRESH);
        assertThat(t.accept(2)).isEqualTo(SeqTracker.FRESH);
        assertThat(t.accept(1)).isEqualTo(SeqTracker.LATE);
        assertThat(t.accept(1)).isEqualTo(SeqTracker.DUPLICATE);
        assertThat(t.accept(2)).isEqualTo(SeqTracker.DUPLICATE);
        assertThat(t.accept(5000)).isEqualTo(SeqTracker.FRESH);
        assertThat(t.accept(4999)).isEqualTo(SeqTracker.LATE);
        assertThat(t.accept(3)).isEqualTo(SeqTracker.TOO_OLD);
    }

    @Test
    void aJumpClearsTheSlotsItPassesOver() {
        SeqTracker t = new SeqTracker();
        t.accept(10);
        t.accept(10 + SeqTracker.WINDOW + 5); // 10's slot is reused further on
        assertThat(t.accept(10 + SeqTracker.WINDOW)).isEqualTo(SeqTracker.LATE);
    }
}
