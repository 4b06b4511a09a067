package io.starling.mqtt.examples;

import io.starling.mqtt.netty.StarlingBroker;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The builder's main settings and the broker's lifecycle: build, start, inspect the threads the broker owns, close.
 * Run it with no arguments; it prints the address and the broker's threads.
 */
public final class LifecycleExample {
    private LifecycleExample() {}

    public static void main(String[] args) {
        run(System.out);
    }

    /** Starts a configured broker, prints its address and threads, closes it; returns the thread names seen. */
    static List<String> run(PrintStream out) {
        // DOC-START builder
        StarlingBroker broker = StarlingBroker.builder()
                .host("127.0.0.1")               // the default: loopback only; "0.0.0.0" for every interface
                .port(0)                         // 0 picks a free port; the default is 1883
                .configure(c -> c
                        .ioThreads(2)            // event loops serving connections
                        .maxInflight(64)         // unacknowledged QoS 1/2 messages per session
                        .maxQueuedMessages(10_000)
                        .connectTimeout(Duration.ofSeconds(5))
                        .sysInterval(Duration.ofSeconds(10))) // $SYS topics; off by default when embedded
                .build();
        // DOC-END builder

        // DOC-START lifecycle
        broker.start();                          // returns once the port accepts connections
        try {
            out.println("listening on " + broker.uri() + " (port " + broker.port() + ")");
            List<String> threads = Thread.getAllStackTraces().keySet().stream()
                    .map(Thread::getName)
                    .filter(name -> name.startsWith("starling-"))
                    .sorted()
                    .toList();
            threads.forEach(name -> out.println("broker thread: " + name));
            return threads;
        } finally {
            broker.close();                      // closes every connection and stops every thread; idempotent
        }
        // DOC-END lifecycle
    }
}
