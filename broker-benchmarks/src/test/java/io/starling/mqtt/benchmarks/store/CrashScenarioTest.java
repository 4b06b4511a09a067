package io.starling.mqtt.benchmarks.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CrashScenarioTest {
    @TempDir
    Path base;

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aChildKilledWithSigkillLeavesEveryBatchItPrintedAsCommitted(Engine engine) throws Exception {
        CrashScenario.Result r = new CrashScenario(base, 1).cycles(engine, "sync", base.resolve("store"), 2);
        assertThat(r.firstFailure()).isEmpty();
        assertThat(r.failures()).isZero();
        assertThat(r.printed()).isGreaterThanOrEqualTo(2L * CrashChild.BATCH - 1); // both children committed
    }
}
