/**
 * The flood scenario: a well-behaved client measures its publish-to-receive round trip through the broker before
 * and while a burst of hostile connection attempts (idle, half a CONNECT, CONNECT and go, bare open and close) and
 * one client declaring a 256 MB PUBLISH hit the same listener. Every connection is touched only by its event loop;
 * the scenario's thread reads the results through tasks on the loops or through atomic counters.
 */
package io.starling.mqtt.benchmarks.flood;
