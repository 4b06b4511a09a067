package io.starling.mqtt.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.api.Credentials;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.topic.TopicName;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Packet traces are logged with toString: they must never show a credential or a payload. */
@Timeout(10)
class PacketTextTest {
    private static final byte[] PASSWORD = "hunter2".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PAYLOAD = "private reading".getBytes(StandardCharsets.UTF_8);

    @Test
    @DisplayName("CONNECT and Credentials show a password only as ***")
    void passwordsMasked() {
        Connect connect = new Connect("MQTT", 4, true, 30, "c1",
                new Will(TopicName.of("w"), PAYLOAD, QoS.AT_LEAST_ONCE, false), "alice", PASSWORD);
        assertThat(connect.toString()).contains("alice", "***").doesNotContain("hunter2", "private reading");
        Credentials credentials = new Credentials(new ClientInfo("c1", "alice", "1.2.3.4:5"), PASSWORD);
        assertThat(credentials.toString()).contains("***").doesNotContain("hunter2");
    }

    @Test
    @DisplayName("PUBLISH and messages show a payload only as its size")
    void payloadsHidden() {
        Publish publish = new Publish(TopicName.of("t"), QoS.AT_LEAST_ONCE, false, false, 7, PAYLOAD);
        assertThat(publish.toString()).contains("15 bytes").doesNotContain("private reading");
        Message message = Message.of("t", PAYLOAD, QoS.AT_MOST_ONCE, false);
        assertThat(message.toString()).contains("15 bytes").doesNotContain("private reading");
    }
}
