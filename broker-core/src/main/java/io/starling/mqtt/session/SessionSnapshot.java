package io.starling.mqtt.session;

import io.starling.mqtt.api.QoS;
import io.starling.mqtt.topic.TopicFilter;
import java.util.Map;

/** One session as the admin API reports it; a copy, taken on the session's own executor. */
public record SessionSnapshot(String clientId, boolean cleanSession, boolean connected,
                              Map<TopicFilter, QoS> subscriptions, int inflight, int queued) {}
