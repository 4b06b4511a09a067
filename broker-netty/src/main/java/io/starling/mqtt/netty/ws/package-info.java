/**
 * MQTT over WebSocket (section 6 of the standard): the HTTP upgrade with its checks (path, origin, subprotocol,
 * forwarded client address) and the binary-frame adapter that turns frames into the byte stream the MQTT frame
 * decoder reads, and outbound batches into binary frames. Threading: every handler runs on its channel's event loop.
 */
package io.starling.mqtt.netty.ws;
