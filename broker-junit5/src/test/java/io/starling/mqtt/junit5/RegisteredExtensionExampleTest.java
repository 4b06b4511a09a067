package io.starling.mqtt.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.netty.StarlingBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** docs/testing.md quotes this class: the extension registered in code, settings in a lambda. */
@Timeout(30)
class RegisteredExtensionExampleTest {
    @RegisterExtension
    static final StarlingExtension STARLING = StarlingExtension.builder()
            .lifecycle(BrokerLifecycle.PER_CLASS)
            .configure(config -> config.maxQueuedMessages(10))
            .build();

    @Test
    void parametersAreInjected(StarlingBroker broker, @BrokerUri String uri) {
        assertThat(uri).isEqualTo("tcp://127.0.0.1:" + broker.port());
        assertThat(broker.config().maxQueuedMessages()).isEqualTo(10);
    }
}
