/**
 * The measurement behind decision 0013 (docs/decisions/0013-durable-store-engine.md): H2 MVStore against RocksDB
 * under the load an MQTT broker puts on its durable store. Both engines sit behind {@link
 * io.starling.mqtt.benchmarks.store.KvStore}, get the same keys and values ({@link
 * io.starling.mqtt.benchmarks.store.Keys}), the same durability (an atomic batch, then an fsync) and the same single
 * writer thread ({@link io.starling.mqtt.benchmarks.store.GroupCommitWriter}). {@link
 * io.starling.mqtt.benchmarks.store.StoreBench} runs the scenarios and prints Markdown tables. Nothing here is part of
 * the broker; the engines are on this module's class path only for the comparison.
 */
package io.starling.mqtt.benchmarks.store;
