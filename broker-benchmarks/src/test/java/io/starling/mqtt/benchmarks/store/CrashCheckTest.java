package io.starling.mqtt.benchmarks.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CrashCheckTest {
    private static final int BATCH = 10;
    private static final int KEEP = 30;

    private static CrashCheck entries(long from, long to) {
        CrashCheck check = new CrashCheck();
        for (long s = from; s <= to; s++) {
            check.entry(s, CrashChild.expectedValue(s));
        }
        return check;
    }

    @Test
    void wholeBatchesUpToOrBeyondTheLastPrintedNumberPass() {
        assertThat(entries(0, 19).verdict(19, BATCH, KEEP)).isNull();
        assertThat(entries(0, 29).verdict(19, BATCH, KEEP)).isNull(); // committed, not yet printed: fine
        assertThat(entries(20, 49).verdict(49, BATCH, KEEP)).isNull(); // the oldest were deleted
        assertThat(new CrashCheck().verdict(-1, BATCH, KEEP)).isNull(); // killed before the first commit
    }

    @Test
    void aLostCommittedEntryFails() {
        assertThat(entries(0, 19).verdict(29, BATCH, KEEP)).startsWith("lost committed entries");
        assertThat(new CrashCheck().verdict(9, BATCH, KEEP)).startsWith("lost committed entries");
    }

    @Test
    void aHalfAppliedBatchFails() {
        assertThat(entries(0, 24).verdict(19, BATCH, KEEP)).startsWith("partial batch"); // appends cut short
        assertThat(entries(15, 49).verdict(49, BATCH, KEEP)).startsWith("partial batch"); // deletes missing
        assertThat(entries(25, 49).verdict(49, BATCH, KEEP)).startsWith("partial batch"); // deletes half done
    }

    @Test
    void aGapOrAWrongValueFails() {
        CrashCheck gap = entries(0, 9);
        gap.entry(11, CrashChild.expectedValue(11));
        assertThat(gap.verdict(9, BATCH, KEEP)).startsWith("gap");

        CrashCheck wrong = entries(0, 8);
        wrong.entry(9, CrashChild.expectedValue(10));
        assertThat(wrong.verdict(9, BATCH, KEEP)).startsWith("wrong value");
    }
}
