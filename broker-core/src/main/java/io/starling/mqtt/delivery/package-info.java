/**
 * Routing of published messages to matching subscribers, and retained messages. Threading: runs on the
 * publisher's thread without locks; every subscriber hops to its own executor.
 */
package io.starling.mqtt.delivery;
