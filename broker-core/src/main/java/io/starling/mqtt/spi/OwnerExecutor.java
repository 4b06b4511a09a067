package io.starling.mqtt.spi;

import java.util.concurrent.Executor;

/**
 * An executor backed by one thread (an event loop) that can tell whether the caller is that thread. Lets core
 * hand a message to a session owned by the current thread directly, instead of posting a task to itself.
 */
public interface OwnerExecutor extends Executor {
    boolean inOwnerThread();
}
