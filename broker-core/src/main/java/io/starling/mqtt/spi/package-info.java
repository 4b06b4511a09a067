/**
 * Ports that the transport or the user implements: the client channel core writes to, and stores. Threading: a
 * {@link io.starling.mqtt.spi.ClientChannel} is used only on its own executor; stores are thread-safe.
 */
package io.starling.mqtt.spi;
