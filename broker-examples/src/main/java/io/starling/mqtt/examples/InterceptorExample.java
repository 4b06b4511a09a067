package io.starling.mqtt.examples;

import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.api.Interceptor;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.netty.StarlingBroker;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** An interceptor that refuses one topic tree, tags every payload, and logs connections off the event loop. */
public final class InterceptorExample {
    private InterceptorExample() {}

    // DOC-START interceptor
    /** Refuses `secret/#`, prefixes every other payload with the publisher's client id, logs connects. */
    public static final class TaggingInterceptor implements Interceptor {
        private final PrintStream log;

        public TaggingInterceptor(PrintStream log) {
            this.log = log;
        }

        @Override
        public CompletionStage<Message> onPublish(ClientInfo publisher, Message message) {
            if (message.topic().value().startsWith("secret/")) {
                return CompletableFuture.completedFuture(null); // refused; the publisher is still acknowledged
            }
            byte[] tag = (publisher.clientId() + ": ").getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[tag.length + message.payload().length];
            System.arraycopy(tag, 0, payload, 0, tag.length);
            System.arraycopy(message.payload(), 0, payload, tag.length, message.payload().length);
            return CompletableFuture.completedFuture(
                    new Message(message.topic(), payload, message.qos(), message.retain()));
        }

        @Override
        public void onConnect(ClientInfo client) {
            log.println("connected: " + client.clientId() + " from " + client.remoteAddress()); // may block
        }
    }
    // DOC-END interceptor

    /** Starts a broker with the interceptor; the caller closes it. */
    public static StarlingBroker start(int port, PrintStream log) {
        // DOC-START interceptor-register
        StarlingBroker broker = StarlingBroker.builder()
                .port(port)
                .configure(c -> c.interceptor(new TaggingInterceptor(log)))
                .start();
        // DOC-END interceptor-register
        return broker;
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 1883;
        try (StarlingBroker broker = start(port, System.out)) {
            System.out.println("broker with interceptor on " + broker.uri() + "; Ctrl-C to stop");
            Thread.currentThread().join();
        }
    }
}
