package io.starling.mqtt.session;

import io.starling.mqtt.api.BrokerStats;
import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.api.Interceptor;
import io.starling.mqtt.api.Message;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured interceptors, called safely: publish decisions are chained and bounded in time, notifications
 * run on one broker-owned thread behind a bounded queue. With no interceptor configured nothing is created and
 * every call returns at once.
 */
public final class InterceptorChain implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InterceptorChain.class);
    private static final int NOTIFICATION_QUEUE = 10_000;

    private final List<Interceptor> interceptors;
    private final Duration timeout;
    private final BrokerStats stats;
    private final ThreadPoolExecutor notifier;
    private final boolean wantsDeliveries;

    public InterceptorChain(List<Interceptor> interceptors, Duration timeout, BrokerStats stats, String threadName) {
        this.interceptors = List.copyOf(interceptors);
        this.wantsDeliveries = this.interceptors.stream().anyMatch(Interceptor::wantsDeliveries);
        this.timeout = timeout;
        this.stats = stats;
        this.notifier = this.interceptors.isEmpty() ? null : new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(NOTIFICATION_QUEUE), r -> {
                    Thread t = new Thread(r, threadName);
                    t.setDaemon(true);
                    return t;
                }, (task, executor) -> stats.onInterceptorNotificationDropped());
    }

    public boolean isEmpty() {
        return interceptors.isEmpty();
    }

    /** True if some interceptor asked for delivery notifications; checked once per message sent. */
    public boolean wantsDeliveries() {
        return wantsDeliveries;
    }

    /**
     * The decision of every interceptor in turn; never completes exceptionally: a failure, an exception or the
     * time-out is logged and completes with {@code null} (refused).
     */
    public CompletableFuture<Message> onPublish(ClientInfo publisher, Message message) {
        CompletableFuture<Message> decision = CompletableFuture.completedFuture(message);
        for (Interceptor interceptor : interceptors) {
            decision = decision.thenCompose(m -> m == null ? CompletableFuture.completedFuture(null)
                    : call(interceptor, publisher, m));
        }
        if (!decision.isDone()) {
            decision = decision.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        return decision.handle((m, error) -> {
            if (error != null) {
                LOG.warn("client {}: interceptor decision on {} failed ({}); message refused", publisher.clientId(),
                        message.topic(), error.toString());
                stats.onInterceptorRefusal();
                return null;
            }
            if (m == null) {
                stats.onInterceptorRefusal();
            }
            return m;
        });
    }

    private static CompletableFuture<Message> call(Interceptor interceptor, ClientInfo publisher, Message message) {
        try {
            CompletionStage<Message> stage = interceptor.onPublish(publisher, message);
            return stage == null ? CompletableFuture.failedFuture(new IllegalStateException("onPublish returned null"))
                    : stage.toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Runs {@code hook} for every interceptor on the notification thread; never blocks the caller. */
    public void notify(Consumer<Interceptor> hook) {
        if (notifier == null) {
            return;
        }
        notifier.execute(() -> {
            for (Interceptor interceptor : interceptors) {
                try {
                    hook.accept(interceptor);
                } catch (RuntimeException e) {
                    LOG.warn("interceptor {} threw from a notification", interceptor.getClass().getName(), e);
                }
            }
        });
    }

    @Override
    public void close() {
        if (notifier != null) {
            notifier.shutdown();
            try {
                if (!notifier.awaitTermination(500, TimeUnit.MILLISECONDS)) {
                    notifier.shutdownNow();
                }
            } catch (InterruptedException e) {
                notifier.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
