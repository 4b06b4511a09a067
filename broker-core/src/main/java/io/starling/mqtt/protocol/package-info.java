/**
 * The per-connection state machine (awaiting CONNECT, connecting, connected, closed) and one small handler per
 * packet kind. Threading: a connection runs entirely on its channel's executor; handlers touch the session
 * directly because the session is owned by the same executor while attached.
 */
package io.starling.mqtt.protocol;
