/**
 * One immutable record per MQTT 3.1.1 control packet; compact constructors enforce what the standard requires of a
 * single packet. Records are shared across threads freely; payload arrays are never modified.
 */
package io.starling.mqtt.packet;
