package io.starling.mqtt.protocol;

import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.packet.SubAck;
import io.starling.mqtt.packet.Subscribe;
import io.starling.mqtt.packet.Subscription;
import io.starling.mqtt.packet.UnsubAck;
import io.starling.mqtt.packet.Unsubscribe;
import io.starling.mqtt.session.Session;
import io.starling.mqtt.topic.TopicFilter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** SUBSCRIBE and UNSUBSCRIBE (sections 3.8 and 3.10). */
final class SubscriptionHandler {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SubscriptionHandler.class);

    private SubscriptionHandler() {}

    /**
     * Handles each filter in order as if it were its own SUBSCRIBE [MQTT-3.8.4-4], answers one SUBACK with a
     * code per filter in the same order [MQTT-3.9.3-1], then sends matching retained messages [MQTT-3.3.1-6].
     */
    static void onSubscribe(Session session, Connection connection, ClientInfo client, ProtocolContext context,
                            Subscribe subscribe) {
        // Decide every filter before applying any: a failing authorizer then leaves the session untouched.
        List<Integer> codes = new ArrayList<>(subscribe.subscriptions().size());
        int room = context.config().maxSubscriptionsPerClient() - session.subscriptions().size();
        java.util.Set<TopicFilter> added = new java.util.HashSet<>();
        for (Subscription s : subscribe.subscriptions()) {
            String overLimit = TopicLimits.violation(context.config(), s.filter().value());
            boolean isNew = !session.subscriptions().containsKey(s.filter()) && !added.contains(s.filter());
            if (overLimit == null && isNew && added.size() >= room) {
                overLimit = "more than maxSubscriptionsPerClient " + context.config().maxSubscriptionsPerClient()
                        + " subscriptions";
            }
            if (overLimit != null) {
                context.stats().onLimitViolation();
                LOG.info("client {} from {}: subscription to {} refused (0x80): {}", client.clientId(),
                        client.remoteAddress(), abbreviate(s.filter().value()), overLimit);
                codes.add(SubAck.FAILURE);
                continue;
            }
            boolean ok = permitted(client, context, s.filter());
            if (ok && isNew) {
                added.add(s.filter());
            }
            codes.add(ok ? s.qos().value() : SubAck.FAILURE);
        }
        Map<TopicFilter, QoS> granted = new LinkedHashMap<>();
        for (int i = 0; i < codes.size(); i++) {
            if (codes.get(i) != SubAck.FAILURE) {
                Subscription s = subscribe.subscriptions().get(i);
                session.subscribe(s.filter(), s.qos());
                granted.remove(s.filter());
                granted.put(s.filter(), s.qos());
            }
        }
        // Retained messages follow the SUBACK, which waits for the session store to hold the subscriptions.
        connection.acknowledge(new SubAck(subscribe.packetId(), codes), () -> {
            granted.forEach((filter, qos) -> context.interceptors().notify(i -> i.onSubscribe(client, filter, qos)));
            // Sent with RETAIN 1 [MQTT-3.3.1-8], also again for a replaced subscription [MQTT-3.8.4-3].
            granted.forEach((filter, qos) -> session.streamRetained(filter, qos, context.retained().scan(filter)));
        });
    }

    private static boolean permitted(ClientInfo client, ProtocolContext context, TopicFilter filter) {
        if (filter.hasWildcard() && !context.config().wildcardSubscriptions()) {
            return false;
        }
        try {
            return context.config().authorizer().canSubscribe(client, filter);
        } catch (RuntimeException e) {
            throw new TransientFailure("authorizer.canSubscribe", e);
        }
    }

    /** Removes exact matches only [MQTT-3.10.4-1]; always answers one UNSUBACK [MQTT-3.10.4-5] [MQTT-3.10.4-6]. */
    static void onUnsubscribe(Session session, Connection connection, ClientInfo client, ProtocolContext context,
                              Unsubscribe unsubscribe) {
        for (TopicFilter filter : unsubscribe.filters()) {
            if (session.unsubscribe(filter)) {
                context.interceptors().notify(i -> i.onUnsubscribe(client, filter));
            }
        }
        connection.acknowledge(new UnsubAck(unsubscribe.packetId()));
    }

    private static String abbreviate(String filter) {
        return filter.length() <= 128 ? filter : filter.substring(0, 128) + "...";
    }
}
