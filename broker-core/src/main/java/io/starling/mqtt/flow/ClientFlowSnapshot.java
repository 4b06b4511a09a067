package io.starling.mqtt.flow;

/**
 * One connection's inbound flow as the overload controller last measured it (admin API, metrics).
 *
 * @param clientId          the client
 * @param listener          the listener it connected to
 * @param messagesPerSecond PUBLISH packets per second it sent, smoothed over the last ticks
 * @param bytesPerSecond    PUBLISH bytes per second, likewise
 * @param throttledTo       the rate the overload controller holds it to, messages per second; 0: not throttled
 * @param rateLimited       whether a static limit (its own or its listener's) paused its reads in the last second
 */
public record ClientFlowSnapshot(String clientId, String listener, double messagesPerSecond, double bytesPerSecond,
                                 double throttledTo, boolean rateLimited) {}
