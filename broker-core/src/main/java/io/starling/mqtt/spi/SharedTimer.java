package io.starling.mqtt.spi;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** The timer behind {@link ClientChannel#schedule}'s default: one daemon thread, created on first use. */
final class SharedTimer {
    static final ScheduledExecutorService INSTANCE = create();

    private SharedTimer() {}

    private static ScheduledExecutorService create() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "starling-channel-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
