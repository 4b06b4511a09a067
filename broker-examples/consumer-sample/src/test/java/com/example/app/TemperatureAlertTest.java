package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starling.mqtt.junit5.BrokerUri;
import io.starling.mqtt.junit5.MessageRecorder;
import io.starling.mqtt.junit5.StarlingTest;
import io.starling.mqtt.junit5.StarlingTestKit;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a user writes: a broker per test from the extension, the application's own MQTT client against it. */
@StarlingTest
@Timeout(30)
class TemperatureAlertTest {

    @Test
    void deviceReadingReachesTheAlertTopic(@BrokerUri String uri, StarlingTestKit kit) throws Exception {
        MessageRecorder alerts = kit.collect("alerts/#");
        MqttClient device = new MqttClient(uri, "sensor-1", new MemoryPersistence());
        try {
            device.connect(new MqttConnectOptions());
            device.publish("alerts/kitchen", "too hot".getBytes(StandardCharsets.UTF_8), 1, false);
            alerts.awaitCount(1, Duration.ofSeconds(5));
            assertEquals("too hot", alerts.payloadsAsStrings().get(0));
        } finally {
            if (device.isConnected()) {
                device.disconnect();
            }
            device.close();
        }
    }
}
