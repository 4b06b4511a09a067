/**
 * TLS listeners: server contexts built from {@link io.starling.mqtt.api.TlsSettings} (PEM files or key stores, JDK or
 * OpenSSL), reloaded without a restart, and the reporting of failed handshakes. Threading: contexts are built on the
 * caller's thread (start or reload) and published through a volatile field; handlers run on the event loops.
 */
package io.starling.mqtt.netty.tls;
