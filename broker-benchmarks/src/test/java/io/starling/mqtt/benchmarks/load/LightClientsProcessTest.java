package io.starling.mqtt.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The light clients' JVM flags: fixed ones first, the experiment's extra ones after them. */
class LightClientsProcessTest {

    @Test
    @DisplayName("LIGHT_JVM_FLAGS are split on white space and follow the fixed heap and collector flags")
    void extraFlagsFollowTheFixedOnes() {
        assertThat(LightClientsProcess.jvmFlags("  -XX:TieredStopAtLevel=1 \t -Xlog:gc  "))
                .containsExactly("-Xms256m", "-Xmx256m", "-XX:+UseParallelGC", "-XX:TieredStopAtLevel=1", "-Xlog:gc");
    }

    @Test
    @DisplayName("without LIGHT_JVM_FLAGS only the fixed flags are passed, never an empty argument")
    void noExtraFlags() {
        assertThat(LightClientsProcess.jvmFlags("")).containsExactly("-Xms256m", "-Xmx256m", "-XX:+UseParallelGC");
        assertThat(LightClientsProcess.jvmFlags("   ")).containsExactly("-Xms256m", "-Xmx256m", "-XX:+UseParallelGC");
        assertThat(LightClientsProcess.jvmFlags(null)).containsExactly("-Xms256m", "-Xmx256m", "-XX:+UseParallelGC");
    }
}
