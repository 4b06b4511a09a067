package io.starling.mqtt.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.examples.CrashPublisher.Sent;
import io.starling.mqtt.examples.CrashSubscriber.Delivery;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The crash test's verdict can fail: loss, QoS 2 duplicates and reordering are each reported by id. */
class CrashAuditTest {
    // p0-1 QoS 1 on crash/a/q1, p0-2 QoS 2 on crash/b/q2, p0-3 QoS 1 on crash/b/q1, p0-4 QoS 2 on crash/a/q2, ...
    private static final Map<String, Sent> SENT = CrashAudit.byId(java.util.stream.IntStream.rangeClosed(1, 8)
            .mapToObj(seq -> new Sent(CrashPublisher.idOf(0, seq), 0, seq, CrashPublisher.topicFor(seq),
                    CrashPublisher.qosFor(seq), 1)).toList());

    private static Delivery got(int seq, int qos) {
        return new Delivery(CrashPublisher.idOf(0, seq), CrashPublisher.topicFor(seq), qos, false, seq, 1);
    }

    private static Set<String> acked(String... ids) {
        return Set.of(ids);
    }

    private static CrashAudit.Findings audit(int qos, List<Delivery> d, Set<String> acknowledged) {
        return CrashAudit.audit("s", qos, d, SENT, acknowledged, Map.of("p0-2", "sent with id 2 in cycle 1"),
                Map.of());
    }

    @Test
    @DisplayName("everything once and in order, QoS 1 repeats allowed: clean")
    void cleanRun() {
        List<Delivery> d = List.of(got(1, 1), got(2, 2), got(3, 1), got(1, 1), got(4, 2), got(5, 1), got(3, 1));
        CrashAudit.Findings f = audit(2, d, acked("p0-1", "p0-2", "p0-3", "p0-4", "p0-5"));
        assertThat(f.clean()).as(f.describe()).isTrue();
        assertThat(f.qos1Duplicates()).isEqualTo(2);
    }

    @Test
    @DisplayName("an acknowledged message never delivered is missing; an unacknowledged one may be lost")
    void missing() {
        List<Delivery> d = List.of(got(1, 1), got(3, 1));
        CrashAudit.Findings f = audit(2, d, acked("p0-1", "p0-2", "p0-3"));
        assertThat(f.missing()).containsExactly("p0-2 (QoS 2; publisher: sent with id 2 in cycle 1)");
        assertThat(f.describe()).contains("1 missing").contains("p0-2");
    }

    @Test
    @DisplayName("a QoS 2 message twice at a QoS 2 subscriber is a duplicate; at a QoS 1 subscriber it is not")
    void qos2Duplicate() {
        CrashAudit.Findings twice = audit(2, List.of(got(2, 2), got(2, 2)), acked("p0-2"));
        assertThat(twice.duplicatedQos2()).singleElement().asString().startsWith("p0-2 x2 [cycle 1 id 2 QoS 2");
        CrashAudit.Findings downgraded = audit(1, List.of(got(2, 1), got(2, 1)), acked("p0-2"));
        assertThat(downgraded.clean()).as(downgraded.describe()).isTrue();
    }

    @Test
    @DisplayName("a number lower than one already delivered on the topic, never seen before, is out of order")
    void outOfOrder() {
        // p0-1 and p0-5 share crash/a/q1.
        CrashAudit.Findings f = audit(2, List.of(got(5, 1), got(1, 1)), acked());
        assertThat(f.outOfOrder()).singleElement().asString().startsWith("p0-1 after p0-5 on crash/a/q1");
    }

    @Test
    @DisplayName("a message on the wrong topic, at the wrong QoS or never published is unexpected")
    void unexpected() {
        List<Delivery> d = List.of(new Delivery("p0-1", "crash/x", 1, false, 1, 1), got(2, 1),
                new Delivery("p9-1", "crash/a/q1", 1, false, 3, 1));
        CrashAudit.Findings f = audit(2, d, acked());
        assertThat(f.unexpected()).hasSize(3);
    }
}
