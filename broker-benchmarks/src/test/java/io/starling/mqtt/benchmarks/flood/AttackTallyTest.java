package io.starling.mqtt.benchmarks.flood;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttackTallyTest {

    @Test
    void connectFailuresAreToldApartByCause() {
        assertThat(AttackTally.classify(new ConnectTimeoutException("connection timed out after 5000 ms: /127.0.0.1:1883")))
                .isEqualTo(AttackTally.Outcome.TIMED_OUT);
        assertThat(AttackTally.classify(new ConnectException("finishConnect(..) failed: Connection refused: /127.0.0.1:1")))
                .isEqualTo(AttackTally.Outcome.REFUSED);
        assertThat(AttackTally.classify(new IOException("recvAddress(..) failed: Connection reset by peer")))
                .isEqualTo(AttackTally.Outcome.REFUSED);
        assertThat(AttackTally.classify(new ConnectException("connect(..) failed: Cannot assign requested address")))
                .isEqualTo(AttackTally.Outcome.FAILED);
    }

    @Test
    void everyAttemptEndsInOneOutcomeAndUnfinishedOnesArePending() {
        AttackTally tally = new AttackTally(Map.of(AttackKind.IDLE, 3, AttackKind.CONNECT, 2));
        for (int i = 0; i < 3; i++) {
            tally.attempted(AttackKind.IDLE);
        }
        tally.attempted(AttackKind.CONNECT);
        tally.attempted(AttackKind.CONNECT);
        tally.connected(AttackKind.IDLE);
        tally.notConnected(AttackKind.IDLE, new ConnectException("Connection refused"));
        tally.connected(AttackKind.CONNECT);
        tally.connacked(AttackKind.CONNECT);
        tally.notConnected(AttackKind.CONNECT, new IOException("Cannot assign requested address"));

        AttackTally.Snapshot s = tally.snapshot();
        assertThat(tally.pending()).isEqualTo(1); // one idle attempt has no outcome yet
        assertThat(s.of(AttackKind.IDLE)).extracting(AttackTally.KindCounts::planned, AttackTally.KindCounts::attempted,
                AttackTally.KindCounts::connected, AttackTally.KindCounts::refused, AttackTally.KindCounts::pending)
                .containsExactly(3, 3L, 1L, 1L, 1L);
        assertThat(s.of(AttackKind.CONNECT).failed()).isEqualTo(1);
        assertThat(s.firstFailure()).startsWith("connect: ").contains("Cannot assign requested address");
        AttackTally.KindCounts total = s.total();
        assertThat(total.planned()).isEqualTo(5);
        assertThat(total.attempted()).isEqualTo(5);
        assertThat(total.connected() + total.refused() + total.timedOut() + total.failed() + total.pending())
                .isEqualTo(total.attempted());
        assertThat(total.connacked()).isEqualTo(1);
    }

    @Test
    void brokerClosesAreTimedAndStopCountingOnceTheAttackEnds() {
        AttackTally tally = new AttackTally(Map.of(AttackKind.IDLE, 3, AttackKind.PARTIAL, 1));
        for (int i = 0; i < 3; i++) {
            tally.attempted(AttackKind.IDLE);
            tally.connected(AttackKind.IDLE);
        }
        tally.attempted(AttackKind.PARTIAL);
        tally.connected(AttackKind.PARTIAL);
        tally.closedByBroker(AttackKind.IDLE, 10_200_000_000L);
        tally.closedByBroker(AttackKind.IDLE, 10_050_000_000L);
        tally.freeze();
        tally.closedByBroker(AttackKind.IDLE, 12_000_000_000L); // the generator's own close at the end

        AttackTally.Snapshot s = tally.snapshot();
        AttackTally.KindCounts idle = s.of(AttackKind.IDLE);
        assertThat(idle.closedByBroker()).isEqualTo(2);
        assertThat(idle.closeMinNanos()).isEqualTo(10_050_000_000L);
        assertThat(idle.closeMaxNanos()).isEqualTo(10_200_000_000L);
        assertThat(idle.stillHeld()).isEqualTo(1);
        assertThat(s.of(AttackKind.PARTIAL).closeMinNanos()).isEqualTo(-1);
        assertThat(s.stillHeld()).isEqualTo(2);
    }

    @Test
    void connectionsThatCloseThemselvesAreNeverHeld() {
        AttackTally tally = new AttackTally(Map.of(AttackKind.BARE, 1));
        tally.attempted(AttackKind.BARE);
        tally.connected(AttackKind.BARE);
        assertThat(tally.snapshot().of(AttackKind.BARE).stillHeld()).isZero();
        assertThat(tally.snapshot().stillHeld()).isZero();
    }
}
