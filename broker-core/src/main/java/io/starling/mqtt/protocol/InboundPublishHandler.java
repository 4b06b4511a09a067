package io.starling.mqtt.protocol;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.api.UnauthorizedPublishPolicy;
import java.util.concurrent.CompletableFuture;
import io.starling.mqtt.packet.PubAck;
import io.starling.mqtt.packet.PubComp;
import io.starling.mqtt.packet.PubRec;
import io.starling.mqtt.packet.PubRel;
import io.starling.mqtt.packet.Publish;
import io.starling.mqtt.session.Session;
import io.starling.mqtt.session.Subscriber;
import io.starling.mqtt.topic.TopicName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of the QoS flows (section 4.3): routes a client's PUBLISH and answers nothing, PUBACK or
 * PUBREC [MQTT-3.3.4-1]. QoS 2 uses "method A": the message is forwarded when the PUBLISH arrives and its id is
 * remembered until PUBREL, so a re-sent PUBLISH is acknowledged again but not forwarded again [MQTT-4.3.3-2].
 */
final class InboundPublishHandler {
    private static final Logger LOG = LoggerFactory.getLogger(InboundPublishHandler.class);

    private InboundPublishHandler() {}

    static void onPublish(Connection connection, Session session, ProtocolContext context, Publish publish) {
        context.stats().onMessageReceived(publish.qos());
        String overLimit = TopicLimits.violation(context.config(), publish.topic().value());
        if (overLimit != null) {
            // MQTT 3.1.1 has no way to refuse one PUBLISH: the connection ends, as for a malformed packet.
            context.stats().onLimitViolation();
            connection.closeForPolicy("publish refused: " + overLimit);
            return;
        }
        boolean allowed = mayPublish(connection, context, publish.topic());
        if (!allowed) {
            context.stats().onPublishDenied();
            if (context.config().unauthorizedPublishPolicy() == UnauthorizedPublishPolicy.DISCONNECT) {
                connection.closeForPolicy("publish to " + publish.topic() + " not authorized [MQTT-3.3.5-2]");
                return;
            }
            LOG.info("client {}: publish to {} not authorized; acknowledged and dropped [MQTT-3.3.5-2]",
                    session.clientId(), publish.topic());
        }
        if (publish.qos() == QoS.EXACTLY_ONCE && !session.markInboundQos2(publish.packetId())) {
            // A re-sent QoS 2 PUBLISH before PUBREL: acknowledged again, never forwarded again [MQTT-4.3.3-2].
            connection.acknowledge(new PubRec(publish.packetId()));
            return;
        }
        if (!allowed || context.interceptors().isEmpty()) {
            complete(connection, session, context, publish, allowed ? publish.toMessage() : null);
            return;
        }
        CompletableFuture<Message> decision = context.interceptors().onPublish(connection.client(), publish.toMessage());
        if (decision.isDone()) {
            complete(connection, session, context, publish, decision.join());
            return;
        }
        // The answer comes later: hold this client's following packets so acknowledgements keep their order.
        connection.hold();
        decision.thenAccept(message -> connection.channel().executor().execute(() -> {
            complete(connection, session, context, publish, message);
            connection.release();
        }));
    }

    /** Routes the message unless refused ({@code null}), then acknowledges as the QoS requires [MQTT-3.3.4-1]. */
    private static void complete(Connection connection, Session session, ProtocolContext context, Publish publish,
                                 Message message) {
        Subscriber[] congested = {null};
        if (publish.qos() == QoS.EXACTLY_ONCE) {
            // The id and the forwarded copies are durable together: a restart that kept the id but lost copies
            // would acknowledge a re-sent PUBLISH without forwarding it; the other way round it would forward twice.
            context.registry().store().atomically(() -> {
                if (message != null) {
                    congested[0] = context.router().publish(message);
                }
                session.storeInboundQos2(publish.packetId());
            });
        } else if (message != null) {
            congested[0] = context.router().publish(message);
        }
        switch (publish.qos()) {
            case AT_MOST_ONCE -> { }
            case AT_LEAST_ONCE -> connection.acknowledge(new PubAck(publish.packetId()));
            case EXACTLY_ONCE -> connection.acknowledge(new PubRec(publish.packetId()));
        }
        if (congested[0] != null) {
            // A subscriber is falling behind: this publisher waits rather than overflow the subscriber's queue.
            connection.waitFor(congested[0]);
        }
    }

    static void onPubRel(Connection connection, Session session, PubRel pubRel) {
        session.releaseInboundQos2(pubRel.packetId());
        connection.acknowledge(new PubComp(pubRel.packetId()));
    }

    /** {@code $SYS} belongs to the broker: clients may not publish there [MQTT-4.7.2-1] (SHOULD). */
    private static boolean mayPublish(Connection connection, ProtocolContext context, TopicName topic) {
        String name = topic.value();
        if (name.equals("$SYS") || name.startsWith("$SYS/")) {
            return false;
        }
        try {
            return context.config().authorizer().canPublish(connection.client(), topic);
        } catch (RuntimeException e) {
            throw new TransientFailure("authorizer.canPublish", e);
        }
    }
}
