package io.starling.mqtt.examples;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.StarlingBroker;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The README's embedding example: start on a free port, subscribe and publish in-process, stop. */
public final class EmbeddedExample {
    private EmbeddedExample() {}

    public static void main(String[] args) throws InterruptedException {
        // README-EXAMPLE-START
        try (StarlingBroker broker = StarlingBroker.builder().port(0).start()) {
            System.out.println("MQTT clients can connect to " + broker.uri());

            CountDownLatch received = new CountDownLatch(1);
            broker.subscribe("sensors/+/temperature", QoS.AT_LEAST_ONCE, message -> {
                System.out.println(message.topic() + " = " + new String(message.payload(), StandardCharsets.UTF_8));
                received.countDown();
            });
            broker.publish(Message.of("sensors/kitchen/temperature",
                    "21.5".getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false));
            received.await(5, TimeUnit.SECONDS);
        }
        // README-EXAMPLE-END
    }
}
