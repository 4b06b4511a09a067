package io.starling.mqtt.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The RocksDB keys of format 1 (docs/persistence.md, "Format"), one column family, each kind a contiguous range:
 *
 * <pre>
 *   v                                  format version
 *   i/name                             store information (creator, creation time, key reservation)
 *   s/id                               a persistent session
 *   b/id 00 00 filter                  a subscription of it
 *   q/id 00 00 key (8 bytes)           a queued or in-flight message of it, key big-endian
 *   p/id 00 00 packet id (2 bytes)     an inbound QoS 2 id of it awaiting PUBREL
 *   r/topic                            a retained message
 *   w/id                               the will of a connected client
 * </pre>
 *
 * <p>{@code id} is the client id in UTF-8 with every 0x00 byte escaped as 00 01. An escaped id never holds two 0x00
 * in a row, so the separator 00 00 ends it and no session's prefix is a prefix of another's, whatever the ids (MQTT
 * forbids U+0000 in them [MQTT-1.5.3-2], but the store does not rely on the codec for its own integrity). RocksDB
 * compares keys as unsigned bytes: a session's entries are adjacent, and its messages are in key order.
 */
final class Keys {
    static final byte META = 'i';
    static final byte SESSION = 's';
    static final byte SUBSCRIPTION = 'b';
    static final byte MESSAGE = 'q';
    static final byte INBOUND = 'p';
    static final byte RETAINED = 'r';
    static final byte WILL = 'w';
    /** The format version's key. */
    static final byte[] FORMAT = {'v'};

    private Keys() {}

    /** Every key of a kind starts with these two bytes. */
    static byte[] kind(byte kind) {
        return new byte[] {kind, '/'};
    }

    static byte[] meta(String name) {
        return concat(kind(META), name.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] session(String clientId) {
        return concat(kind(SESSION), escape(clientId));
    }

    static byte[] will(String clientId) {
        return concat(kind(WILL), escape(clientId));
    }

    static byte[] retained(String topic) {
        return concat(kind(RETAINED), topic.getBytes(StandardCharsets.UTF_8));
    }

    /** Every key of the session's entries of {@code kind} starts with this, and no key of another session does. */
    static byte[] prefix(byte kind, String clientId) {
        byte[] escaped = escape(clientId);
        byte[] prefix = new byte[2 + escaped.length + 2];
        prefix[0] = kind;
        prefix[1] = '/';
        System.arraycopy(escaped, 0, prefix, 2, escaped.length);
        return prefix; // the last two bytes stay 0: the separator
    }

    static byte[] message(String clientId, long key) {
        byte[] prefix = prefix(MESSAGE, clientId);
        byte[] k = Arrays.copyOf(prefix, prefix.length + Long.BYTES);
        for (int i = 0; i < Long.BYTES; i++) {
            k[prefix.length + i] = (byte) (key >>> (56 - 8 * i));
        }
        return k;
    }

    static byte[] subscription(String clientId, String filter) {
        return concat(prefix(SUBSCRIPTION, clientId), filter.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] inbound(String clientId, int packetId) {
        byte[] prefix = prefix(INBOUND, clientId);
        byte[] k = Arrays.copyOf(prefix, prefix.length + 2);
        k[prefix.length] = (byte) (packetId >>> 8);
        k[prefix.length + 1] = (byte) packetId;
        return k;
    }

    /**
     * The length of the session prefix at the start of {@code key} (kind, escaped id, separator), for the per-session
     * kinds.
     */
    static int prefixLength(byte[] key) {
        for (int i = 2; i + 1 < key.length; i++) {
            if (key[i] == 0) {
                if (key[i + 1] == 0) {
                    return i + 2;
                }
                i++; // an escaped 0x00: skip its 01
            }
        }
        throw new IllegalStateException("stored key without a session prefix: " + printable(key));
    }

    /** The client id of a per-session key whose prefix is {@code prefixLength} bytes long. */
    static String clientId(byte[] key, int prefixLength) {
        return unescape(key, 2, prefixLength - 2);
    }

    /** The client id of a session or will key. */
    static String clientIdOfRecord(byte[] key) {
        return unescape(key, 2, key.length);
    }

    /** What follows the two kind bytes, as text: the topic of a retained key, a meta name. */
    static String text(byte[] key) {
        return new String(key, 2, key.length - 2, StandardCharsets.UTF_8);
    }

    /** The text after a session prefix: the filter of a subscription key. */
    static String text(byte[] key, int from) {
        return new String(key, from, key.length - from, StandardCharsets.UTF_8);
    }

    /** The big-endian number from {@code from} to the end of the key: a message key or a packet id. */
    static long number(byte[] key, int from) {
        if (key.length - from != Long.BYTES && key.length - from != 2) {
            throw new IllegalStateException("stored key with a malformed number: " + printable(key));
        }
        long value = 0;
        for (int i = from; i < key.length; i++) {
            value = value << 8 | (key[i] & 0xff);
        }
        return value;
    }

    /** Whether {@code key} starts with {@code prefix}. */
    static boolean hasPrefix(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** The smallest key above every key that starts with {@code prefix} (none start with 0xff here). */
    static byte[] upperBound(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xff) {
                byte[] bound = Arrays.copyOf(prefix, i + 1);
                bound[i]++;
                return bound;
            }
        }
        throw new IllegalArgumentException("no upper bound for a prefix of 0xff bytes");
    }

    private static byte[] escape(String clientId) {
        byte[] utf8 = clientId.getBytes(StandardCharsets.UTF_8);
        int zeros = 0;
        for (byte b : utf8) {
            if (b == 0) {
                zeros++;
            }
        }
        if (zeros == 0) {
            return utf8;
        }
        byte[] escaped = new byte[utf8.length + zeros];
        int at = 0;
        for (byte b : utf8) {
            escaped[at++] = b;
            if (b == 0) {
                escaped[at++] = 1;
            }
        }
        return escaped;
    }

    private static String unescape(byte[] key, int from, int to) {
        int zeros = 0;
        for (int i = from; i < to; i++) {
            if (key[i] == 0) {
                zeros++;
                i++;
            }
        }
        if (zeros == 0) {
            return new String(key, from, to - from, StandardCharsets.UTF_8);
        }
        byte[] utf8 = new byte[to - from - zeros];
        int at = 0;
        for (int i = from; i < to; i++) {
            utf8[at++] = key[i];
            if (key[i] == 0) {
                i++;
            }
        }
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static String printable(byte[] key) {
        StringBuilder b = new StringBuilder();
        for (byte x : key) {
            if (x >= 0x20 && x < 0x7f && x != '\\') {
                b.append((char) x);
            } else {
                b.append(String.format("\\x%02x", x & 0xff));
            }
        }
        return b.toString();
    }
}
