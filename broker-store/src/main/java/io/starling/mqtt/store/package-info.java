/**
 * The durable {@link io.starling.mqtt.spi.SessionStore}: {@link io.starling.mqtt.store.DurableSessionStore} keeps
 * sessions, queued messages, retained messages and wills in a RocksDB database, with group commit
 * ({@link io.starling.mqtt.store.Durability}). Threading: writes come from any thread and never block; one writer
 * thread per store applies, commits and fsyncs them, and completes the {@code sync()} barriers.
 */
package io.starling.mqtt.store;
