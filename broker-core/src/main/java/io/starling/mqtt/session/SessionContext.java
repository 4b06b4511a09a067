package io.starling.mqtt.session;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.spi.SessionStore;
import io.starling.mqtt.api.BrokerStats;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.topic.TopicTrie;

/** What every session shares: configuration, counters, the subscription index and the registry. */
public record SessionContext(BrokerConfig config, BrokerStats stats, TopicTrie<Subscriber, QoS> index,
                             SessionRegistry registry, InterceptorChain interceptors, SessionStore store) {}
