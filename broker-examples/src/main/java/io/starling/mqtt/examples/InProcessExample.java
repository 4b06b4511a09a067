package io.starling.mqtt.examples;

import io.starling.mqtt.api.InProcessSubscription;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.StarlingBroker;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * In-process publish and subscribe: the embedding application talks to the broker without a network client, and a
 * subscriber that arrives late still gets the retained message. Run it with no arguments; it prints what it receives.
 */
public final class InProcessExample {
    private InProcessExample() {}

    public static void main(String[] args) throws InterruptedException {
        hello(System.out);
        run(System.out);
    }

    /** The getting-started sample: a broker, one subscription, one message, in ten lines. */
    static void hello(PrintStream out) throws InterruptedException {
        // DOC-START hello
        try (StarlingBroker broker = StarlingBroker.builder().port(0).start()) {
            CountDownLatch received = new CountDownLatch(1);
            broker.subscribe("greetings/#", QoS.AT_LEAST_ONCE, message -> {
                out.println(message.topic() + ": " + new String(message.payload(), StandardCharsets.UTF_8));
                received.countDown();
            });
            broker.publish(Message.of("greetings/world", "hello".getBytes(StandardCharsets.UTF_8),
                    QoS.AT_LEAST_ONCE, false));
            received.await(5, TimeUnit.SECONDS);
        }
        // DOC-END hello
    }

    /** Publishes and subscribes in-process; returns the lines it printed, in order. */
    static List<String> run(PrintStream out) throws InterruptedException {
        List<String> lines = new ArrayList<>();
        try (StarlingBroker broker = StarlingBroker.builder().port(0).start()) {
            // DOC-START in-process-subscribe
            BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
            try (InProcessSubscription subscription = broker.subscribe("sensors/+/temperature", QoS.AT_LEAST_ONCE,
                    inbox::add)) {
                broker.publish(Message.of("sensors/kitchen/temperature",
                        "21.5".getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false));
                Message message = inbox.poll(5, TimeUnit.SECONDS);
                lines.add("live: " + describe(message));
            } // closing the subscription unsubscribes
            // DOC-END in-process-subscribe

            // DOC-START retained-late-subscriber
            // A retained message is kept for the topic and handed to every later subscriber first.
            broker.publish(Message.of("status/door", "open".getBytes(StandardCharsets.UTF_8),
                    QoS.AT_LEAST_ONCE, true));
            BlockingQueue<Message> late = new LinkedBlockingQueue<>();
            try (InProcessSubscription subscription = broker.subscribe("status/#", QoS.AT_LEAST_ONCE, late::add)) {
                Message retained = late.poll(5, TimeUnit.SECONDS);
                lines.add("late: " + describe(retained) + " retain=" + retained.retain());
            }
            // DOC-END retained-late-subscriber
        }
        lines.forEach(out::println);
        return lines;
    }

    private static String describe(Message message) {
        if (message == null) {
            return "nothing within 5 s";
        }
        return message.topic() + " = " + new String(message.payload(), StandardCharsets.UTF_8);
    }
}
