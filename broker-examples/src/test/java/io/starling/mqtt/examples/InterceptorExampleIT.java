package io.starling.mqtt.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.netty.StarlingBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class InterceptorExampleIT {
    @Test
    @DisplayName("the example interceptor tags payloads, refuses secret/#, and logs connects")
    void tagsRefusesAndLogs() throws Exception {
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
        try (StarlingBroker broker = InterceptorExample.start(0, log)) {
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            MqttClient sub = new MqttClient(broker.uri(), "sub", new MemoryPersistence());
            MqttClient pub = new MqttClient(broker.uri(), "sensor-7", new MemoryPersistence());
            try {
                sub.setCallback(new MqttCallback() {
                    @Override
                    public void connectionLost(Throwable cause) {
                    }

                    @Override
                    public void messageArrived(String topic, MqttMessage message) {
                        received.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
                    }

                    @Override
                    public void deliveryComplete(IMqttDeliveryToken token) {
                    }
                });
                sub.connect();
                sub.subscribe("#", 1);
                pub.connect();
                pub.publish("secret/plan", "x".getBytes(StandardCharsets.UTF_8), 1, false);
                pub.publish("room/temp", "21".getBytes(StandardCharsets.UTF_8), 1, false);
                assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("room/temp sensor-7: 21");
                assertThat(received).isEmpty();
                await().until(() -> logBytes.toString(StandardCharsets.UTF_8).contains("connected: sensor-7 from 127.0.0.1:"));
            } finally {
                sub.disconnect();
                pub.disconnect();
                sub.close();
                pub.close();
            }
        }
    }
}
