package io.starling.mqtt.session;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;

/** A message waiting in a session for the inflight window or for the client to come back. */
record QueuedMessage(Message message, QoS qos) {}
