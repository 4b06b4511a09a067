/**
 * The runner: starts each broker (Starling's jar, HiveMQ CE and Moquette through small launchers, Mosquitto, the
 * ceiling relay) in its own process, runs the scenarios against it, reads its CPU and memory from /proc and jcmd,
 * and writes docs/performance.md with PNG charts. Single-threaded apart from the generator it drives.
 */
package io.starling.mqtt.benchmarks.runner;
