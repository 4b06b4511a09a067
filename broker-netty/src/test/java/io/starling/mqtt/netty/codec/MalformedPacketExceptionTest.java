package io.starling.mqtt.netty.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.topic.InvalidTopicException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MalformedPacketExceptionTest {

    @Test
    @DisplayName("the exception and its subclasses carry no stack trace: peers can trigger them at will")
    void isStackless() {
        assertThat(new MalformedPacketException("x", "MQTT-1.5.3-1").getStackTrace()).isEmpty();
        assertThat(new PacketTooLargeException(10, 5).getStackTrace()).isEmpty();
        assertThat(new UnsupportedProtocolLevelException("MQTT", 5).getStackTrace()).isEmpty();
    }

    @Test
    @DisplayName("the statement ID is appended to the reason once")
    void appendsStatementId() {
        MalformedPacketException e = new MalformedPacketException("bad flags", "MQTT-3.1.2-3");
        assertThat(e.getMessage()).isEqualTo("bad flags [MQTT-3.1.2-3]");
        assertThat(e.reason()).isEqualTo("bad flags");
        assertThat(e.statementId()).contains("MQTT-3.1.2-3");
        assertThat(new MalformedPacketException("x [MQTT-1.5.3-2]", "MQTT-1.5.3-2").getMessage())
                .isEqualTo("x [MQTT-1.5.3-2]");
        assertThat(new MalformedPacketException("no statement").statementId()).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-2] an unsupported level names the statement that asks for CONNACK 0x01")
    void unsupportedLevelCitesStatement() {
        UnsupportedProtocolLevelException e = new UnsupportedProtocolLevelException("MQTT", 5);
        assertThat(e).isInstanceOf(MalformedPacketException.class);
        assertThat(e.getMessage()).contains("[MQTT-3.1.2-2]").contains("5").contains("MQTT");
    }

    @Test
    @DisplayName("a wrapped core validation keeps its message and takes its first bracketed statement ID")
    void wrapsCoreValidation() {
        InvalidTopicException cause = new InvalidTopicException("no wildcard [MQTT-3.3.2-2] [MQTT-4.7.1-1]: a/+");
        MalformedPacketException e = MalformedPacketException.from(cause);
        assertThat(e.getMessage()).isEqualTo(cause.getMessage());
        assertThat(e.statementId()).contains("MQTT-3.3.2-2");
        assertThat(e.getCause()).isSameAs(cause);
        assertThat(MalformedPacketException.from(new IllegalArgumentException("plain")).statementId()).isEmpty();
    }
}
