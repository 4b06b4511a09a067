/**
 * The load generator of issue 3: a minimal MQTT 3.1.1 client on Netty (epoll when available) with its own tiny
 * codec, the scenarios, and the counting of deliveries, losses, duplicates and latency. Each connection and the
 * statistics of its event loop are touched only by that loop; the generator's thread reads them by running tasks
 * on the loops, and the only cross-thread state on the message path is each publisher's newest-seen sequence number.
 */
package io.starling.mqtt.benchmarks.load;
