package io.starling.mqtt.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.MqttBroker;
import io.starling.mqtt.netty.StarlingBroker;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Fields and parameters of every supported type receive the same broker; settings hooks apply in order. */
@StarlingTest
@Timeout(30)
class InjectionTest extends InjectionBase {
    static final List<String> HOOKS = new ArrayList<>();

    /** Injected too (static, PER_METHOD: assigned before each test). */
    static StarlingTestKit staticKit;

    StarlingBroker broker;
    MqttBroker mqttBroker;
    StarlingTestKit kit;
    @BrokerUri
    String uri;
    @BrokerUri
    URI uriAsUri;

    /** Assigned by the test itself: the extension leaves it alone. */
    StarlingBroker own = StarlingBroker.builder().port(0).configure(c -> c.ioThreads(1)).build();

    /** Final fields are never touched. */
    final StarlingBroker finalField = null;

    StarlingBroker seenInBeforeEach;

    @StarlingConfig
    static void settings(BrokerConfig.Builder config) {
        HOOKS.add("test");
        assertThat(config.build().maxInflight()).as("superclass hook ran first").isEqualTo(5);
        config.maxInflight(7).maxQueuedMessages(10);
    }

    @BeforeEach
    void beforeEach(StarlingBroker parameter) {
        seenInBeforeEach = parameter;
    }

    @AfterEach
    void closeOwn() {
        own.close();
    }

    @Test
    void fieldsReceiveTheSameBroker() {
        assertThat(broker).isNotNull();
        assertThat(mqttBroker).isSameAs(broker);
        assertThat(inherited).isSameAs(broker);
        assertThat(kit.broker()).isSameAs(broker);
        assertThat(staticKit).isSameAs(kit);
        assertThat(seenInBeforeEach).isSameAs(broker);
        assertThat(uri).isEqualTo("tcp://127.0.0.1:" + broker.port()).isEqualTo(broker.uri()).isEqualTo(kit.uri());
        assertThat(uriAsUri).isEqualTo(URI.create(uri));
        assertThat(Fixtures.accepts(broker.port())).isTrue();
    }

    @Test
    void parametersReceiveTheSameBrokerAsFields(StarlingBroker p1, MqttBroker p2, StarlingTestKit p3,
                                                @BrokerUri String p4, @BrokerUri URI p5) {
        assertThat(p1).isSameAs(broker);
        assertThat(p2).isSameAs(broker);
        assertThat(p3).isSameAs(kit);
        assertThat(p4).isEqualTo(uri);
        assertThat(p5).isEqualTo(uriAsUri);
    }

    @Test
    void fieldsTheTestAssignsItselfAreLeftAlone() {
        assertThat(own).isNotSameAs(broker);
        assertThat(finalField).isNull();
    }

    @Test
    void brokerRunsOnLoopbackWithTheHooksSettings() {
        assertThat(broker.config().host()).isEqualTo("127.0.0.1");
        assertThat(broker.config().port()).as("configured port").isZero();
        assertThat(broker.port()).as("bound port").isPositive();
        assertThat(broker.config().ioThreads()).isEqualTo(1);
        assertThat(broker.config().maxInflight()).isEqualTo(7);
        assertThat(broker.config().maxQueuedMessages()).isEqualTo(10);
        assertThat(HOOKS).startsWith("base", "test");
        assertThat(HOOKS.size() % 2).as("both hooks once per broker").isZero();
    }
}
