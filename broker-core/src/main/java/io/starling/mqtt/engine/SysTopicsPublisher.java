package io.starling.mqtt.engine;

import io.starling.mqtt.api.BrokerStats;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.delivery.Router;
import io.starling.mqtt.session.SessionRegistry;
import io.starling.mqtt.spi.RetainedStore;
import io.starling.mqtt.topic.TopicName;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the broker's state under {@code $SYS/broker/...} with the topic names Mosquitto uses, as retained QoS 0
 * messages, every interval. Wildcard-led filters never match them [MQTT-4.7.2-1]; who may subscribe to
 * {@code $SYS/#} is the authorizer's call. Runs on its own daemon thread, never on an event loop.
 */
final class SysTopicsPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SysTopicsPublisher.class);
    static final String VERSION = "starling 0.1.0";

    private final Duration interval;
    private final BrokerStats stats;
    private final SessionRegistry registry;
    private final IntSupplier subscriptions;
    private final RetainedStore retained;
    private final Router router;
    private final long startNanos = System.nanoTime();
    private final LoadAverage received = new LoadAverage();
    private final LoadAverage sent = new LoadAverage();
    private final LoadAverage connections = new LoadAverage();
    private ScheduledExecutorService scheduler;

    SysTopicsPublisher(Duration interval, BrokerStats stats, SessionRegistry registry, IntSupplier subscriptions,
                       RetainedStore retained, Router router) {
        this.interval = interval;
        this.stats = stats;
        this.registry = registry;
        this.subscriptions = subscriptions;
        this.retained = retained;
        this.router = router;
    }

    synchronized void start(String threadName) {
        if (interval.isZero() || scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        publish("$SYS/broker/version", VERSION);
        long millis = interval.toMillis();
        scheduler.scheduleAtFixedRate(this::publishSafely, 0, millis, TimeUnit.MILLISECONDS);
    }

    private void publishSafely() {
        try {
            publishAll();
        } catch (RuntimeException e) {
            LOG.warn("publishing $SYS topics failed", e);
        }
    }

    void publishAll() {
        double seconds = interval.toMillis() / 1000.0;
        long connected = stats.clientsConnected();
        long total = registry.size();
        publish("$SYS/broker/uptime", (System.nanoTime() - startNanos) / 1_000_000_000L + " seconds");
        publish("$SYS/broker/clients/connected", connected);
        publish("$SYS/broker/clients/total", total);
        publish("$SYS/broker/clients/disconnected", Math.max(0, total - connected));
        publish("$SYS/broker/messages/received", stats.messagesReceived());
        publish("$SYS/broker/messages/sent", stats.messagesSent());
        publish("$SYS/broker/publish/messages/dropped", stats.qos0DroppedNotWritable() + stats.qos0DroppedOffline()
                + stats.queueOverflowDrops());
        publish("$SYS/broker/subscriptions/count", subscriptions.getAsInt());
        publish("$SYS/broker/retained messages/count", retained.size());
        received.update(stats.messagesReceived(), seconds);
        sent.update(stats.messagesSent(), seconds);
        connections.update(stats.connectionsAccepted(), seconds);
        publishLoad("messages/received", received);
        publishLoad("messages/sent", sent);
        publishLoad("connections", connections);
    }

    private void publishLoad(String what, LoadAverage load) {
        publish("$SYS/broker/load/" + what + "/1min", format(load.oneMinute));
        publish("$SYS/broker/load/" + what + "/5min", format(load.fiveMinutes));
        publish("$SYS/broker/load/" + what + "/15min", format(load.fifteenMinutes));
    }

    private static String format(double value) {
        return String.format(java.util.Locale.ROOT, "%.2f", value);
    }

    private void publish(String topic, Object value) {
        router.publish(new Message(TopicName.of(topic), String.valueOf(value).getBytes(StandardCharsets.UTF_8),
                QoS.AT_MOST_ONCE, true));
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Events per minute, averaged over 1, 5 and 15 minutes the way Mosquitto's load figures are. */
    static final class LoadAverage {
        private long lastCount = -1;
        double oneMinute;
        double fiveMinutes;
        double fifteenMinutes;

        void update(long count, double seconds) {
            if (lastCount < 0) {
                lastCount = count;
                return;
            }
            double perMinute = (count - lastCount) * 60.0 / seconds;
            lastCount = count;
            oneMinute = smooth(oneMinute, perMinute, seconds, 60);
            fiveMinutes = smooth(fiveMinutes, perMinute, seconds, 300);
            fifteenMinutes = smooth(fifteenMinutes, perMinute, seconds, 900);
        }

        private static double smooth(double previous, double sample, double seconds, double window) {
            double keep = Math.exp(-seconds / window);
            return previous * keep + sample * (1 - keep);
        }
    }
}
