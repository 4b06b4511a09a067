/**
 * The Netty transport: the embeddable broker, the pipeline and its timers. Threading: each connection lives on one
 * event loop; the broker's lifecycle methods are thread-safe.
 */
package io.starling.mqtt.netty;
