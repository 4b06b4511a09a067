package io.starling.mqtt.protocol;

import io.starling.mqtt.api.UnauthorizedPublishPolicy;
import io.starling.mqtt.packet.PubAck;
import io.starling.mqtt.packet.PubComp;
import io.starling.mqtt.packet.PubRec;
import io.starling.mqtt.packet.PubRel;
import io.starling.mqtt.packet.Publish;
import io.starling.mqtt.session.Session;
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
        context.stats().onMessageReceived();
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
        switch (publish.qos()) {
            case AT_MOST_ONCE -> route(context, publish, allowed);
            case AT_LEAST_ONCE -> {
                route(context, publish, allowed);
                connection.channel().write(new PubAck(publish.packetId()));
            }
            case EXACTLY_ONCE -> {
                if (session.markInboundQos2(publish.packetId())) {
                    route(context, publish, allowed);
                }
                connection.channel().write(new PubRec(publish.packetId()));
            }
        }
    }

    static void onPubRel(Connection connection, Session session, PubRel pubRel) {
        session.releaseInboundQos2(pubRel.packetId());
        connection.channel().write(new PubComp(pubRel.packetId()));
    }

    private static void route(ProtocolContext context, Publish publish, boolean allowed) {
        if (allowed) {
            context.router().publish(publish.toMessage());
        }
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
