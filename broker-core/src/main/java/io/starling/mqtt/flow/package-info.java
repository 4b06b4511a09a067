/**
 * Flow control: rate limits applied by pausing reads, the overload controller that lowers the heaviest publishers'
 * rates while the broker is overloaded, and what they report (docs/flow-control.md). Plain Java; the transport
 * supplies its own load signals through {@link io.starling.mqtt.flow.LoadProbe}.
 */
package io.starling.mqtt.flow;
