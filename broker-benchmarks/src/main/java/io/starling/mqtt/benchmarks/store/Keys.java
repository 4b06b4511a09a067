package io.starling.mqtt.benchmarks.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The key layout measured here and recommended in decision 0013. Every key starts with a one-letter kind and a
 * slash, so that each kind is one contiguous range of the ordered key space:
 *
 * <ul>
 *   <li>{@code v} → the store's format version;
 *   <li>{@code s/<clientId>} → the session record (subscriptions, packet-id state);
 *   <li>{@code q/<clientId>\0<seq>} → the id of a message queued for the session, {@code seq} 8 bytes big-endian
 *       so that one session's queue is one range, in delivery order;
 *   <li>{@code m/<id>} → the message (QoS, topic, payload), stored once however many sessions reference it, {@code
 *       id} 8 bytes big-endian;
 *   <li>{@code r/<topic>} → the retained message of a topic.
 * </ul>
 *
 * <p>The client id ends with a 0 byte because MQTT allows any character but U+0000 in it ([MQTT-1.5.3-2]), slashes
 * included: without the terminator the queue of client {@code a} would be a prefix of client {@code a/b}'s. Topic
 * names cannot contain U+0000 either, and a retained key is the whole topic, so {@code site/17/#} is the key {@code
 * r/site/17} plus the range {@code r/site/17/}.
 */
public final class Keys {
    /** The key of the store's format version. */
    public static final byte[] FORMAT_VERSION = {'v'};

    private static final byte[] QUEUES = {'q', '/'};
    private static final byte[] MESSAGES = {'m', '/'};
    private static final byte[] RETAINED = {'r', '/'};
    private static final byte[] SESSIONS = {'s', '/'};

    private Keys() {}

    /** The key of entry {@code seq} of a session's queue. */
    public static byte[] queue(String clientId, long seq) {
        byte[] prefix = queuePrefix(clientId);
        byte[] key = Arrays.copyOf(prefix, prefix.length + Long.BYTES);
        putLong(key, prefix.length, seq);
        return key;
    }

    /** The prefix of every key of a session's queue. */
    public static byte[] queuePrefix(String clientId) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = new byte[QUEUES.length + id.length + 1];
        System.arraycopy(QUEUES, 0, prefix, 0, QUEUES.length);
        System.arraycopy(id, 0, prefix, QUEUES.length, id.length);
        return prefix; // the last byte stays 0: the terminator
    }

    /** The prefix of every queue entry of every session. */
    public static byte[] allQueues() {
        return QUEUES.clone();
    }

    /** The sequence number of a queue key. */
    public static long queueSeq(byte[] key) {
        return getLong(key, key.length - Long.BYTES);
    }

    /** The client id of a queue key. */
    public static String queueClient(byte[] key) {
        return new String(key, QUEUES.length, key.length - QUEUES.length - 1 - Long.BYTES, StandardCharsets.UTF_8);
    }

    /** The key of a stored message. */
    public static byte[] message(long id) {
        byte[] key = Arrays.copyOf(MESSAGES, MESSAGES.length + Long.BYTES);
        putLong(key, MESSAGES.length, id);
        return key;
    }

    /** The prefix of every stored message. */
    public static byte[] allMessages() {
        return MESSAGES.clone();
    }

    /** The id of a message key. */
    public static long messageId(byte[] key) {
        return getLong(key, MESSAGES.length);
    }

    /** The key of a topic's retained message. */
    public static byte[] retained(String topic) {
        return concat(RETAINED, topic.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The range of retained keys a filter ending in {@code /#} reaches below its parent: {@code site/17/#} gives
     * {@code r/site/17/}. The parent itself ({@code site/17}) is the single key {@link #retained(String)}.
     */
    public static byte[] retainedBelow(String parentTopic) {
        return concat(RETAINED, (parentTopic + "/").getBytes(StandardCharsets.UTF_8));
    }

    /** The prefix of every retained message. */
    public static byte[] allRetained() {
        return RETAINED.clone();
    }

    /** The key of a session record. */
    public static byte[] session(String clientId) {
        return concat(SESSIONS, clientId.getBytes(StandardCharsets.UTF_8));
    }

    /** A message id as a value (the value of a queue entry). */
    public static byte[] id(long id) {
        byte[] b = new byte[Long.BYTES];
        putLong(b, 0, id);
        return b;
    }

    /** Reads a value written by {@link #id(long)}. */
    public static long id(byte[] value) {
        return getLong(value, 0);
    }

    /** Whether {@code key} starts with {@code prefix}. */
    public static boolean hasPrefix(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * The smallest key above every key that starts with {@code prefix} (an exclusive upper bound for a range scan), or
     * null when there is none (a prefix of only 0xFF bytes).
     */
    public static byte[] upperBound(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] bound = Arrays.copyOf(prefix, i + 1);
                bound[i]++;
                return bound;
            }
        }
        return null;
    }

    static void putLong(byte[] b, int at, long v) {
        for (int i = Long.BYTES - 1; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }

    static long getLong(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
