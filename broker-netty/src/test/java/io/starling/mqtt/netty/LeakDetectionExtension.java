package io.starling.mqtt.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reports a leaked reference-counted object. Netty only logs leaks, and a log line
 * in a green build is a leak nobody sees; recording the reports turns them into failures.
 *
 * <p>Registered for every test class through {@code META-INF/services} and
 * {@code junit.jupiter.extensions.autodetection.enabled}. The recording factory is installed in the static
 * initializer because Netty creates its {@code ByteBuf} detector once, when the first buffer class initialises;
 * {@link #beforeAll} verifies that happened after us, otherwise detection would be silently off.
 */
public final class LeakDetectionExtension implements BeforeAllCallback, AfterAllCallback {
    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();
    private static final int GC_ROUNDS = 5;
    private static final int TRIGGER_ALLOCATIONS = 4;

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Object detector;
        try {
            Field field = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
            field.setAccessible(true);
            detector = field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot verify Netty's ByteBuf leak detector (Netty internals changed?); "
                    + "LeakDetectionExtensionTest still shows whether leaks are caught", e);
        }
        if (!(detector instanceof RecordingDetector)) {
            throw new IllegalStateException("Netty's ByteBuf leak detector was created before "
                    + "LeakDetectionExtension installed its factory; leaks would go unnoticed");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        collectGarbageAndTriggerReports();
        List<String> leaks = new ArrayList<>();
        for (String leak; (leak = LEAKS.poll()) != null; ) {
            leaks.add(leak);
        }
        try {
            failIfLeaked(leaks, context.getDisplayName());
        } catch (AssertionError e) {
            // Also on stderr: a class-level failure's message is easy to miss in a long report.
            System.err.println(e.getMessage());
            throw e;
        }
    }

    /**
     * Netty notices a collected, unreleased buffer only when a later allocation polls its reference queue, so
     * garbage collection alone is not enough: allocate and release a few tracked buffers after each round.
     */
    public static void collectGarbageAndTriggerReports() {
        for (int round = 0; round < GC_ROUNDS; round++) {
            System.gc();
            for (int i = 0; i < TRIGGER_ALLOCATIONS; i++) {
                ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(1);
                pooled.release();
                ByteBuf byDefault = ByteBufAllocator.DEFAULT.buffer(1);
                byDefault.release();
            }
        }
    }

    /** The leak reports recorded so far and not yet claimed. */
    public static List<String> leaks() {
        return List.copyOf(LEAKS);
    }

    /** Removes and returns the reports containing {@code marker}, e.g. a {@code touch} hint of a deliberate leak. */
    public static List<String> takeLeaksContaining(String marker) {
        List<String> taken = new ArrayList<>();
        LEAKS.removeIf(leak -> {
            if (leak.contains(marker)) {
                taken.add(leak);
                return true;
            }
            return false;
        });
        return taken;
    }

    /** Throws an AssertionError listing every report when {@code leaks} is not empty. */
    public static void failIfLeaked(List<String> leaks, String scope) {
        if (leaks.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder()
                .append(leaks.size()).append(" Netty leak report(s) during ").append(scope).append(':');
        for (String leak : leaks) {
            message.append(System.lineSeparator()).append(leak);
        }
        throw new AssertionError(message.toString());
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        /** Still the one abstract method, so it must be implemented although Netty deprecated it. */
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                   long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<?> resourceType, int samplingInterval) {
            super(resourceType, samplingInterval);
        }

        /** Record even when the error log is off: the report is the point. */
        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            // Not logged here: failIfLeaked prints it, and a deliberate leak should not look like a real one.
            LEAKS.add("LEAK: " + resourceType + " was not released." + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LEAKS.add("LEAK: " + resourceType + " was not released (untraced).");
        }
    }
}
