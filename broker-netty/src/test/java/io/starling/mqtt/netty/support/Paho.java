package io.starling.mqtt.netty.support;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** Paho clients for end-to-end tests: in-memory persistence, short timeouts, received messages in a queue. */
public final class Paho {
    private Paho() {}

    /** A received message with its topic. */
    public record Received(String topic, MqttMessage message) {
        public String text() {
            return new String(message.getPayload(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** A connected client whose messages and connection loss are recorded. */
    public static final class Client implements AutoCloseable {
        public final MqttClient mqtt;
        public final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        public volatile Throwable connectionLost;
        private boolean sessionPresent;

        Client(MqttClient mqtt) {
            this.mqtt = mqtt;
            mqtt.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                    connectionLost = cause;
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    received.add(new Received(topic, message));
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
        }

        public boolean sessionPresent() {
            return sessionPresent;
        }

        public Received next() throws InterruptedException {
            Received r = received.poll(5, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("no message within 5 s");
            }
            return r;
        }

        public void subscribe(String filter, int qos) throws MqttException {
            int[] granted = mqtt.subscribeWithResponse(new String[] {filter}, new int[] {qos}).getGrantedQos();
            if (granted[0] != qos) {
                throw new AssertionError("granted " + granted[0] + " for " + filter + ", asked " + qos);
            }
        }

        public void publish(String topic, String payload, int qos, boolean retain) throws MqttException {
            mqtt.publish(topic, payload.getBytes(java.nio.charset.StandardCharsets.UTF_8), qos, retain);
        }

        /** Clean DISCONNECT. */
        public void disconnect() throws MqttException {
            if (mqtt.isConnected()) {
                mqtt.disconnect(1000);
            }
        }

        @Override
        public void close() throws MqttException {
            try {
                if (mqtt.isConnected()) {
                    mqtt.disconnectForcibly(0, 100, true);
                }
            } finally {
                mqtt.close(true);
            }
        }
    }

    public static Client connect(String uri, String clientId, boolean cleanSession) throws MqttException {
        return connect(uri, clientId, cleanSession, 60, null);
    }

    public static Client connect(String uri, String clientId, boolean cleanSession, int keepAlive,
                                 java.util.function.Consumer<MqttConnectOptions> extra) throws MqttException {
        MqttClient mqtt = new MqttClient(uri, clientId, new MemoryPersistence());
        mqtt.setTimeToWait(5000);
        Client client = new Client(mqtt);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        options.setKeepAliveInterval(keepAlive);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(5);
        options.setMaxInflight(1000);
        if (extra != null) {
            extra.accept(options);
        }
        client.sessionPresent = mqtt.connectWithResult(options).getSessionPresent();
        return client;
    }
}
