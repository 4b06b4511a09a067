/**
 * The composition root: wires index, registry, router and stores, and creates connections for a transport.
 * Threading: thread-safe; in-process listeners run on one broker-owned thread, never on an event loop.
 */
package io.starling.mqtt.engine;
