/**
 * The bridge between a Netty channel and core's connection. Threading: everything here runs on the channel's
 * event loop.
 */
package io.starling.mqtt.netty.channel;
