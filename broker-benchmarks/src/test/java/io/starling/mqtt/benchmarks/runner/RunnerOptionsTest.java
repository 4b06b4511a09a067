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
