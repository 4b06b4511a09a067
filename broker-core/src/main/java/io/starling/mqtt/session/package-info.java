/**
 * Sessions: subscriptions, the outbound inflight window, inbound QoS 2 ids and the bounded queue, plus the registry
 * from client id to session. Threading: a session's state is touched only by tasks of its mailbox, which run on the
 * event loop of its current (or last) connection; the registry and the subscription index are the shared parts.
 */
package io.starling.mqtt.session;
