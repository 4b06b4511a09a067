package io.starling.mqtt.benchmarks.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starling.mqtt.benchmarks.load.Scenario;
import org.junit.jupiter.api.Test;

class RunnerOptionsTest {

    @Test
    void quickAndFullRunTheFloodButSmokeOnlyWhenItIsNamed() {
        assertThat(RunnerOptions.parse(new String[] {"quick"}).scenarios()).contains(Scenario.FLOOD);
        assertThat(RunnerOptions.parse(new String[] {"full"}).scenarios()).contains(Scenario.FLOOD);
        assertThat(RunnerOptions.parse(new String[] {"smoke"}).scenarios()).doesNotContain(Scenario.FLOOD)
                .contains(Scenario.P2P_QOS1, Scenario.CONNECTIONS);
        assertThat(RunnerOptions.parse(new String[] {"smoke", "flood"}).scenarios()).containsExactly(Scenario.FLOOD);
    }

    @Test
    void persistentScenariosRunOnlyWhenNamed() {
        for (String mode : new String[] {"quick", "full", "smoke"}) {
            assertThat(RunnerOptions.parse(new String[] {mode}).scenarios()).as(mode)
                    .doesNotContain(Scenario.P2P_QOS1_PERSISTENT, Scenario.LATENCY_PERSISTENT);
        }
        RunnerOptions o = RunnerOptions.parse(new String[] {"quick", "p2p-qos1", "p2p-qos1-persistent",
                "latency-persistent", "latency.persistent.rate=500"});
        assertThat(o.scenarios()).containsExactly(Scenario.P2P_QOS1, Scenario.P2P_QOS1_PERSISTENT,
                Scenario.LATENCY_PERSISTENT);
        assertThat(o.params().i("latency.persistent.rate")).isEqualTo(500);
        assertThat(RunnerOptions.parse(new String[] {"quick"}).params().i("latency.persistent.rate")).isEqualTo(2000);
    }

    @Test
    void overloadAndSlowConsumerRunOnlyWhenNamedWithTheirOwnParameters() {
        for (String mode : new String[] {"quick", "full", "smoke"}) {
            assertThat(RunnerOptions.parse(new String[] {mode}).scenarios()).as(mode)
                    .doesNotContain(Scenario.OVERLOAD, Scenario.SLOW_CONSUMER);
        }
        RunnerOptions o = RunnerOptions.parse(new String[] {"quick", "overload", "slow-consumer",
                "overload.factor=4", "slow.after=20"});
        assertThat(o.scenarios()).containsExactly(Scenario.OVERLOAD, Scenario.SLOW_CONSUMER)
                .allMatch(Scenario::separate).noneMatch(Scenario::carriesMessages).noneMatch(Scenario::ceilingRuns);
        assertThat(o.params().d("overload.factor")).isEqualTo(4);
        assertThat(o.params().d("slow.after")).isEqualTo(20);
        assertThat(o.params().d("overload.recovery.factor")).isEqualTo(0.5);
        assertThat(Scenario.OVERLOAD.describe(o.params())).contains("200 light clients", "4 heavy", "4 ×",
                "window 4096");
        assertThatThrownBy(() -> RunnerOptions.parse(new String[] {"quick", "overload.storm=1"}))
                .hasMessageContaining("unknown parameter 'overload.storm'");
    }

    @Test
    void durableTargetsRunOnlyWhenNamed() {
        assertThat(RunnerOptions.parse(new String[] {"quick"}).targets()).containsExactly(Target.STARLING,
                Target.HIVEMQ, Target.MOQUETTE, Target.MOSQUITTO, Target.CEILING);
        assertThat(RunnerOptions.parse(new String[] {"quick", "--targets",
                "starling,starling-durable, starling-periodic,mosquitto-persistent,hivemq-persistent"}).targets())
                .containsExactly(Target.STARLING, Target.STARLING_DURABLE, Target.STARLING_PERIODIC,
                        Target.MOSQUITTO_PERSISTENT, Target.HIVEMQ_PERSISTENT);
        assertThatThrownBy(() -> RunnerOptions.parse(new String[] {"quick", "--targets", "starling-fast"}))
                .hasMessageContaining("unknown target 'starling-fast'").hasMessageContaining("starling-periodic");
    }

    @Test
    void floodKeysGoToTheFloodParametersAndTheRestToTheGenerators() {
        RunnerOptions o = RunnerOptions.parse(new String[] {"quick", "flood", "flood.attempts=500", "duration=3"});
        assertThat(o.flood().i("flood.attempts")).isEqualTo(500);
        assertThat(o.flood().i("flood.rate")).isEqualTo(50);
        assertThat(o.params().get("duration")).isEqualTo("3");
        assertThat(o.params().overrides()).doesNotContainKey("flood.attempts");
    }

    @Test
    void refusesFloodSettingsItCannotRun() {
        assertThatThrownBy(() -> RunnerOptions.parse(new String[] {"quick", "flood.storm=1"}))
                .hasMessageContaining("unknown parameter 'flood.storm'");
        assertThatThrownBy(() -> RunnerOptions.parse(new String[] {"quick", "flood.attempts=50000"}))
                .hasMessageContaining("open-files limit");
        assertThatThrownBy(() -> RunnerOptions.parse(new String[] {"quick", "flood.mix=idle=0"}))
                .hasMessageContaining("positive weight");
    }
}
