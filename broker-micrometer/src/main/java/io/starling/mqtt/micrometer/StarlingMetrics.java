package io.starling.mqtt.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.starling.mqtt.api.BrokerStats;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.StarlingBroker;
import io.starling.mqtt.session.Session;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

/**
 * Binds a {@link StarlingBroker}'s counters and gauges to a Micrometer {@link MeterRegistry}:
 *
 * <pre>{@code
 * StarlingBroker broker = StarlingBroker.builder().port(1883).start();
 * new StarlingMetrics(broker).bindTo(registry);
 * }</pre>
 *
 * <p>Every name starts with {@code starling.}; docs/operations.md ("Metrics (Micrometer)") lists each meter, its
 * type, tags and meaning, and a test keeps that list and this class in step.
 *
 * <p>Counters read {@link BrokerStats}, which the broker keeps whether or not this binder is used; nothing is
 * counted twice and binding costs nothing on the broker's hot paths. Session gauges (sessions, inflight, queued)
 * iterate over the sessions when the registry polls them. Those counts are owned by the sessions' event loops, so
 * a poll from another thread reads them without synchronisation: they are approximate, as gauges are.
 *
 * <p>Micrometer is an optional dependency of this module: an application that does not load this class needs no
 * Micrometer at run time.
 */
public final class StarlingMetrics implements MeterBinder {
    /** Common prefix of every meter name. */
    public static final String PREFIX = "starling.";

    private final StarlingBroker broker;
    private final Tags tags;

    public StarlingMetrics(StarlingBroker broker) {
        this(broker, Tags.empty());
    }

    /** With {@code tags} added to every meter, for example to tell several brokers in one application apart. */
    public StarlingMetrics(StarlingBroker broker, Iterable<Tag> tags) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        BrokerStats stats = broker.stats();

        counter(registry, stats, "connections.accepted", "connections", BrokerStats::connectionsAccepted,
                "Client connections accepted (CONNACK 0x00)", Tags.empty());
        counter(registry, stats, "connections.refused", "connections", BrokerStats::connectionsRefused,
                "CONNECTs refused with a non-zero CONNACK return code, for any reason", Tags.empty());
        counter(registry, stats, "auth.failures", "connections", BrokerStats::authenticationFailures,
                "CONNECTs the authenticator refused (CONNACK 0x04 or 0x05)", Tags.empty());
        counter(registry, stats, "bytes.received", "bytes", BrokerStats::bytesReceived,
                "Bytes of whole MQTT packets received from clients", Tags.empty());
        counter(registry, stats, "bytes.sent", "bytes", BrokerStats::bytesSent,
                "Bytes handed to the network for clients", Tags.empty());
        counter(registry, stats, "protocol.violations", "violations", BrokerStats::protocolViolations,
                "Connections closed for a protocol violation or a malformed packet", Tags.empty());
        for (QoS qos : QoS.values()) {
            Tags byQos = Tags.of("qos", Integer.toString(qos.value()));
            counter(registry, stats, "messages.received", "messages", s -> s.messagesReceived(qos),
                    "PUBLISH messages received from clients, by QoS", byQos);
            counter(registry, stats, "messages.sent", "messages", s -> s.messagesSent(qos),
                    "PUBLISH messages sent to clients (first transmissions), by QoS", byQos);
        }
        counter(registry, stats, "messages.dropped", "messages", BrokerStats::qos0DroppedNotWritable,
                "Messages dropped, by reason", Tags.of("reason", "qos0_not_writable"));
        counter(registry, stats, "messages.dropped", "messages", BrokerStats::qos0DroppedOffline,
                "Messages dropped, by reason", Tags.of("reason", "qos0_offline"));
        counter(registry, stats, "messages.dropped", "messages", BrokerStats::queueOverflowDrops,
                "Messages dropped, by reason", Tags.of("reason", "queue_overflow"));
        counter(registry, stats, "sessions.discarded", "sessions", BrokerStats::sessionsDiscardedOnOverflow,
                "Sessions discarded by the broker, by reason", Tags.of("reason", "queue_overflow"));
        counter(registry, stats, "publishes.denied", "messages", BrokerStats::publishesDenied,
                "PUBLISHes refused by the authorizer or aimed at $SYS", Tags.empty());
        counter(registry, stats, "deliveries.denied", "messages", BrokerStats::deliveriesDenied,
                "Messages not delivered to a subscriber because the authorizer refused it", Tags.empty());
        counter(registry, stats, "auth.delayed", "connections", BrokerStats::loginsDelayed,
                "CONNECTs answered late after repeated failed logins from their address", Tags.empty());
        counter(registry, stats, "limits.violations", "violations", BrokerStats::limitViolations,
                "Operations refused by a configured limit (topic length or levels, subscriptions per client)",
                Tags.empty());
        counter(registry, stats, "connections.closed", "connections", BrokerStats::connectionsOverLimit,
                "Connections closed by the broker before or instead of a CONNACK, by reason",
                Tags.of("reason", "max_connections"));
        counter(registry, stats, "connections.closed", "connections", BrokerStats::connectTimeouts,
                "Connections closed by the broker before or instead of a CONNACK, by reason",
                Tags.of("reason", "connect_timeout"));
        counter(registry, stats, "tls.handshake.failures", "connections", BrokerStats::tlsHandshakeFailures,
                "TLS handshakes that failed", Tags.empty());

        counter(registry, stats, "flow.pauses", "pauses", BrokerStats::rateLimitPauses,
                "Times a connection's reads were paused, by reason", Tags.of("reason", "rate_limit"));
        counter(registry, stats, "flow.pauses", "pauses", BrokerStats::writabilityPauses,
                "Times a connection's reads were paused, by reason", Tags.of("reason", "not_writable"));
        counter(registry, stats, "flow.pauses", "pauses", BrokerStats::congestionPauses,
                "Times a connection's reads were paused, by reason", Tags.of("reason", "congested"));
        counter(registry, stats, "flow.throttles", "clients", BrokerStats::throttleStarts,
                "Times the overload controller started throttling a publisher", Tags.empty());
        counter(registry, stats, "flow.overloads", "episodes", BrokerStats::overloadEpisodes,
                "Times the broker went into overload (pressure 1 or more)", Tags.empty());
        gauge(registry, "flow.pressure", "ratio", b -> b.engine().admin().overload().pressure(),
                "The largest load signal over its threshold at the last tick; 1 or more is overload", Tags.empty());
        gauge(registry, "flow.throttled.clients", "clients",
                b -> b.engine().admin().overload().throttledClients(),
                "Publishers the overload controller holds below their own rate", Tags.empty());
        Gauge.builder(PREFIX + "queued.bytes", stats, BrokerStats::queuedBytes)
                .description("Payload bytes waiting in session queues (exact)")
                .baseUnit("bytes")
                .tags(tags)
                .register(registry);
        Gauge.builder(PREFIX + "clients.connected", stats, BrokerStats::clientsConnected)
                .description("Client connections accepted and not yet closed")
                .baseUnit("connections")
                .tags(tags)
                .register(registry);
        gauge(registry, "sessions", "sessions", b -> countSessions(b, true),
                "Sessions whose client is connected, or offline persistent sessions, by state",
                Tags.of("state", "connected"));
        gauge(registry, "sessions", "sessions", b -> countSessions(b, false),
                "Sessions whose client is connected, or offline persistent sessions, by state",
                Tags.of("state", "offline"));
        gauge(registry, "subscriptions", "subscriptions", b -> b.engine().index().size(),
                "Subscriptions (client and in-process) in the subscription index", Tags.empty());
        gauge(registry, "retained.messages", "messages", b -> b.engine().retained().size(),
                "Retained messages stored, the broker's own $SYS topics included", Tags.empty());
        gauge(registry, "inflight.messages", "messages", b -> sumOverSessions(b, Session::inflightCount),
                "QoS 1/2 messages sent and not yet acknowledged, summed over sessions (approximate)", Tags.empty());
        gauge(registry, "queued.messages", "messages", b -> sumOverSessions(b, Session::queuedCount),
                "Messages waiting in session queues, summed over sessions (approximate)", Tags.empty());
    }

    private void counter(MeterRegistry registry, BrokerStats stats, String name, String unit,
                         ToDoubleFunction<BrokerStats> value, String description, Tags extra) {
        FunctionCounter.builder(PREFIX + name, stats, value)
                .description(description)
                .baseUnit(unit)
                .tags(tags.and(extra))
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String unit, ToDoubleFunction<StarlingBroker> value,
                       String description, Tags extra) {
        Gauge.builder(PREFIX + name, broker, value)
                .description(description)
                .baseUnit(unit)
                .tags(tags.and(extra))
                .register(registry);
    }

    private static double countSessions(StarlingBroker broker, boolean connected) {
        long count = 0;
        for (Session session : broker.engine().sessions().sessions()) {
            if (session.isConnected() == connected) {
                count++;
            }
        }
        return count;
    }

    /**
     * Sums a per-session count read from a foreign thread. The session's event loop may replace or clear the
     * underlying collection meanwhile; a read that fails or looks impossible counts as zero for that session.
     */
    private static double sumOverSessions(StarlingBroker broker, ToIntFunction<Session> count) {
        long total = 0;
        for (Session session : broker.engine().sessions().sessions()) {
            try {
                total += Math.max(0, count.applyAsInt(session));
            } catch (RuntimeException racedWithEventLoop) {
                // Approximate by design: skip this session for this poll.
            }
        }
        return total;
    }
}
