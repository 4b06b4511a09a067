package io.starling.mqtt.benchmarks.flood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AttackMixTest {

    @Test
    void equalWeightsPutEveryKindInEachRunOfFourAndSplit2000Evenly() {
        AttackMix mix = AttackMix.parse("idle=1,partial=1,connect=1,bare=1");
        for (int start = 0; start < 40; start += 4) {
            Set<AttackKind> kinds = EnumSet.noneOf(AttackKind.class);
            for (int i = start; i < start + 4; i++) {
                kinds.add(mix.kindOf(i));
            }
            assertThat(kinds).as("attempts %d..%d", start, start + 3).containsExactlyInAnyOrder(AttackKind.values());
        }
        assertThat(mix.planned(2000)).containsOnly(Map.entry(AttackKind.IDLE, 500), Map.entry(AttackKind.PARTIAL, 500),
                Map.entry(AttackKind.CONNECT, 500), Map.entry(AttackKind.BARE, 500));
    }

    @Test
    void plannedCountsAgreeWithTheKindOfEachAttemptForEveryTotal() {
        AttackMix mix = AttackMix.parse("idle=3, partial=1, connect=2");
        Map<AttackKind, Integer> counted = new EnumMap<>(AttackKind.class);
        for (AttackKind k : AttackKind.values()) {
            counted.put(k, 0);
        }
        for (int n = 0; n <= 61; n++) {
            assertThat(mix.planned(n)).as("first %d attempts", n).isEqualTo(counted);
            assertThat(mix.planned(n).values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(n);
            counted.merge(mix.kindOf(n), 1, Integer::sum);
        }
        assertThat(mix.planned(600)).containsEntry(AttackKind.IDLE, 300).containsEntry(AttackKind.PARTIAL, 100)
                .containsEntry(AttackKind.CONNECT, 200).containsEntry(AttackKind.BARE, 0);
    }

    @Test
    void everyPrefixOfTheAttemptsCarriesTheMixWithinOneAttemptPerKind() {
        for (String spec : new String[] {"idle=3,partial=1,connect=2", "idle=4,bare=2", "idle=1,connect=5,bare=1"}) {
            AttackMix mix = AttackMix.parse(spec);
            Map<AttackKind, Integer> cycle = mix.planned(1_000_000);
            for (int n = 1; n <= 300; n++) {
                Map<AttackKind, Integer> prefix = mix.planned(n);
                for (AttackKind k : AttackKind.values()) {
                    double share = n * (cycle.get(k) / 1_000_000.0);
                    assertThat((double) prefix.get(k)).as("%s: %s in the first %d", spec, k, n)
                            .isCloseTo(share, within(1.0));
                }
            }
        }
    }

    @Test
    void rejectsMixesThatCannotBeRun() {
        assertThatThrownBy(() -> AttackMix.parse("idle=0")).hasMessageContaining("positive weight");
        assertThatThrownBy(() -> AttackMix.parse("idle=x")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> AttackMix.parse("idle=-1")).hasMessageContaining("0..1000");
        assertThatThrownBy(() -> AttackMix.parse("storm=1")).hasMessageContaining("unknown attack kind");
        assertThatThrownBy(() -> AttackMix.parse("idle=1,idle=2")).hasMessageContaining("twice");
        assertThatThrownBy(() -> AttackMix.parse("idle")).hasMessageContaining("kind=weight");
    }
}
