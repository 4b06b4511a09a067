package io.starling.mqtt.junit5;

import io.starling.mqtt.api.InProcessSubscription;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.MqttBroker;
import io.starling.mqtt.api.QoS;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Records every message the broker routes to one topic filter, from the moment it was created (retained messages
 * matching the filter first), until it is closed. Obtained from {@link StarlingTestKit#collect(String)}; the
 * extension closes it after the test.
 *
 * <p>Thread-safe: the broker's listener thread appends, the test thread reads and waits.
 */
public final class MessageRecorder implements AutoCloseable {
    private static final int MAX_LISTED = 10;
    private static final int MAX_PAYLOAD_CHARS = 60;

    private final String filter;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final List<Message> messages = new ArrayList<>();
    private InProcessSubscription subscription;
    private boolean closed;

    private MessageRecorder(String filter) {
        this.filter = filter;
    }

    static MessageRecorder subscribe(MqttBroker broker, String filter, QoS qos) {
        MessageRecorder recorder = new MessageRecorder(filter);
        InProcessSubscription subscription = broker.subscribe(filter, qos, recorder::record);
        recorder.lock.lock();
        try {
            recorder.subscription = subscription;
        } finally {
            recorder.lock.unlock();
        }
        return recorder;
    }

    private void record(Message message) {
        lock.lock();
        try {
            if (!closed) {
                messages.add(message);
                arrived.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The topic filter this recorder subscribed to. */
    public String filter() {
        return filter;
    }

    /** The messages recorded so far, in arrival order (a copy). */
    public List<Message> messages() {
        lock.lock();
        try {
            return List.copyOf(messages);
        } finally {
            lock.unlock();
        }
    }

    /** The payloads recorded so far, decoded as UTF-8, in arrival order. */
    public List<String> payloadsAsStrings() {
        return messages().stream().map(MessageRecorder::payloadAsString).toList();
    }

    /** The topic names of the messages recorded so far, in arrival order. */
    public List<String> topics() {
        return messages().stream().map(m -> m.topic().value()).toList();
    }

    /** How many messages were recorded so far. */
    public int count() {
        lock.lock();
        try {
            return messages.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until at least {@code count} messages were recorded and returns all recorded so far.
     *
     * @throws AssertionError naming the filter, the timeout and what did arrive, when fewer arrive in time
     */
    public List<Message> awaitCount(int count, Duration timeout) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
        Deadline deadline = Deadline.after(timeout);
        lock.lock();
        try {
            while (messages.size() < count) {
                long remaining = deadline.remainingNanos();
                if (remaining <= 0) {
                    throw new AssertionError(shortfall(count, deadline));
                }
                try {
                    arrived.awaitNanos(remaining);
                } catch (InterruptedException e) {
                    throw Deadline.interrupted(count + " message(s) on filter '" + filter + "'");
                }
            }
            return List.copyOf(messages);
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the first message and returns it (it may have arrived before this call). */
    public Message awaitMessage(Duration timeout) {
        return awaitCount(1, timeout).get(0);
    }

    /** Forgets the messages recorded so far; later ones are still recorded. */
    public void clear() {
        lock.lock();
        try {
            messages.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Unsubscribes; the messages recorded so far stay readable. Idempotent. */
    @Override
    public void close() {
        InProcessSubscription toClose;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            toClose = subscription;
        } finally {
            lock.unlock();
        }
        if (toClose != null) {
            toClose.close();
        }
    }

    @Override
    public String toString() {
        return "MessageRecorder[" + filter + ", " + count() + " message(s)" + (isClosed() ? ", closed" : "") + "]";
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Called with the lock held. */
    private String shortfall(int expected, Deadline deadline) {
        StringBuilder text = new StringBuilder()
                .append("expected ").append(expected == 1 ? "a message" : expected + " messages")
                .append(" on filter '").append(filter).append("' within ").append(deadline.describe());
        if (messages.isEmpty()) {
            return text.append(", but none arrived").toString();
        }
        text.append(", but only ").append(messages.size()).append(" arrived: ");
        text.append(describe(messages.subList(0, Math.min(MAX_LISTED, messages.size()))));
        if (messages.size() > MAX_LISTED) {
            text.append(" and ").append(messages.size() - MAX_LISTED).append(" more");
        }
        return text.toString();
    }

    static String payloadAsString(Message message) {
        return new String(message.payload(), StandardCharsets.UTF_8);
    }

    /** {@code [a/b "21.5" qos1, a/c (3 bytes, binary) qos0 retained]}, for failure messages. */
    static String describe(List<Message> list) {
        List<String> parts = new ArrayList<>(list.size());
        for (Message m : list) {
            parts.add(m.topic().value() + " " + describePayload(m.payload()) + " qos" + m.qos().value()
                    + (m.retain() ? " retained" : ""));
        }
        return parts.toString();
    }

    private static String describePayload(byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8);
        boolean printable = text.chars().allMatch(c -> c >= 0x20 && c != 0x7F && c != 0xFFFD || c == '\t');
        if (!printable) {
            return "(" + payload.length + " bytes, binary)";
        }
        return text.length() <= MAX_PAYLOAD_CHARS
                ? '"' + text + '"'
                : '"' + text.substring(0, MAX_PAYLOAD_CHARS) + "…\" (" + payload.length + " bytes)";
    }
}
