package io.starling.mqtt.protocol;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.BrokerStats;
import io.starling.mqtt.flow.FlowController;
import io.starling.mqtt.delivery.Router;
import io.starling.mqtt.session.InterceptorChain;
import io.starling.mqtt.session.SessionRegistry;
import io.starling.mqtt.spi.RetainedStore;

/** What every connection needs from the broker. */
public record ProtocolContext(BrokerConfig config, BrokerStats stats, SessionRegistry registry, Router router,
                              RetainedStore retained, InterceptorChain interceptors, ListenerPolicies listeners,
                              OpenConnections openConnections, AuthFailureThrottle authThrottle,
                              DelayedTasks delayedTasks, FlowController flow) {}
