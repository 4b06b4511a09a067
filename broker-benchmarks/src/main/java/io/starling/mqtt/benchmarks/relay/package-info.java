/**
 * The ceiling: a byte relay that speaks just enough MQTT for the load generator and forwards each PUBLISH unchanged
 * to the subscribers of its exact topic. A connection's state lives on its event loop; frames for a subscriber on
 * another loop travel there as one task per read batch.
 */
package io.starling.mqtt.benchmarks.relay;
