package io.starling.mqtt.session;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;

/**
 * A message waiting in a session for the inflight window or for the client to come back; {@code key} is its key in
 * the session store, 0 when it is not stored.
 */
record QueuedMessage(Message message, QoS qos, long key) {}
