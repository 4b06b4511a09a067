package io.starling.mqtt.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.StarlingBroker;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** docs/testing.md quotes this class: one broker for the class, settings from a {@code @StarlingConfig} method. */
@StarlingTest(lifecycle = BrokerLifecycle.PER_CLASS)
@Timeout(30)
class PerClassExampleTest {
    static StarlingBroker broker; // injected before @BeforeAll; the same broker for every test

    @StarlingConfig
    static void settings(BrokerConfig.Builder config) {
        config.maxInflight(4).maxQueuedMessages(100);
    }

    @BeforeAll
    static void retainDefaults(StarlingTestKit kit) {
        kit.publish("config/mode", "eco", QoS.AT_LEAST_ONCE, true);
    }

    @Test
    void everyTestSeesTheRetainedDefault(StarlingTestKit kit) {
        var mode = kit.awaitMessage("config/mode", Duration.ofSeconds(5));
        assertThat(mode.payload()).asString().isEqualTo("eco");
    }

    @Test
    void settingsApply() {
        assertThat(broker.config().maxInflight()).isEqualTo(4);
        assertThat(broker.config().maxQueuedMessages()).isEqualTo(100);
    }
}
