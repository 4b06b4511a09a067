package io.starling.mqtt.flow;

/**
 * The broker's load as the overload controller last saw it (admin API, metrics).
 *
 * @param pressure         the largest signal over its threshold; 1 or more is overload
 * @param overloaded       whether the controller is in an overload episode (entered at 1, left below 0.8 once
 *                         no publisher is throttled)
 * @param sample           the signals
 * @param throttledClients publishers the controller holds below their own rate now
 */
public record OverloadSnapshot(double pressure, boolean overloaded, LoadSample sample, int throttledClients) {
    public static final OverloadSnapshot IDLE = new OverloadSnapshot(0, false, new LoadSample(0, 0, 0, 0), 0);
}
