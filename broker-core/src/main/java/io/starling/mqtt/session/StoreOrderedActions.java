package io.starling.mqtt.session;

import io.starling.mqtt.spi.SessionStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Actions that must wait for the session store (acknowledgements, QoS 2 packets of stored messages), run in call
 * order, each once the store holds everything written before its call. Usually nothing waits and the action runs at
 * once. Confined to one executor, the one given to {@link #run}.
 */
public final class StoreOrderedActions {
    private CompletableFuture<Void> pending;

    /**
     * Runs {@code action} now if nothing waits and the store's barrier has already passed; otherwise later, on
     * {@code executor}, after the actions before it. If the store failed, {@code onFailure} runs instead.
     */
    public void run(SessionStore store, Executor executor, Runnable action, Consumer<Throwable> onFailure) {
        CompletableFuture<Void> durable = store.sync();
        if (pending == null && durable.isDone() && !durable.isCompletedExceptionally()) {
            action.run();
            return;
        }
        CompletableFuture<Void> before = pending == null ? durable : CompletableFuture.allOf(pending, durable);
        CompletableFuture<Void> done = new CompletableFuture<>();
        pending = done;
        before.whenComplete((ok, error) -> executor.execute(() -> {
            if (pending == done) {
                pending = null;
            }
            if (error == null) {
                action.run();
            } else {
                onFailure.accept(error);
            }
            done.complete(null);
        }));
    }
}
