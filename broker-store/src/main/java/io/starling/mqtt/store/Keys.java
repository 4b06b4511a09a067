package io.starling.mqtt.store;

/**
 * The keys of the per-session maps: the session's prefix, then the entry's own part. A session's entries are
 * adjacent in key order, so removing a session or recovering it is one range of one cursor.
 *
 * <p>The prefix is the client id with every U+0000 escaped as U+0000 U+0001, then U+0000 U+0000. An escaped id never
 * holds two U+0000 in a row, so no session's prefix is a prefix of another's, whatever the ids (MQTT forbids U+0000
 * in them [MQTT-1.5.3-2], but the store does not rely on the codec for its own integrity). Message keys and packet
 * ids are fixed-width lower-case hex, whose string order is their numeric order.
 */
final class Keys {
    static final String SEPARATOR = "\0\0";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Keys() {}

    /** Every key of the session's entries starts with this, and no key of another session does. */
    static String prefix(String clientId) {
        String escaped = clientId.indexOf('\0') < 0 ? clientId : clientId.replace("\0", "\0\1");
        return escaped + SEPARATOR;
    }

    static String message(String clientId, long key) {
        return hex(prefix(clientId), key, 16);
    }

    static String subscription(String clientId, String filter) {
        return prefix(clientId) + filter;
    }

    static String inbound(String clientId, int packetId) {
        return hex(prefix(clientId), packetId, 4);
    }

    /** The length of the prefix at the start of {@code key}: up to and including the separator. */
    static int prefixLength(String key) {
        int at = key.indexOf(SEPARATOR);
        if (at < 0) {
            throw new IllegalStateException("stored key without a session prefix: " + printable(key));
        }
        return at + SEPARATOR.length();
    }

    /** The client id whose prefix takes the first {@code prefixLength} characters of {@code key}. */
    static String clientId(String key, int prefixLength) {
        String escaped = key.substring(0, prefixLength - SEPARATOR.length());
        return escaped.indexOf('\0') < 0 ? escaped : escaped.replace("\0\1", "\0");
    }

    static long parseHex(String key, int from) {
        long value = 0;
        for (int i = from; i < key.length(); i++) {
            int digit = Character.digit(key.charAt(i), 16);
            if (digit < 0) {
                throw new IllegalStateException("stored key with a malformed number: " + printable(key));
            }
            value = value << 4 | digit;
        }
        return value;
    }

    private static String hex(String prefix, long value, int digits) {
        StringBuilder b = new StringBuilder(prefix.length() + digits).append(prefix);
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            b.append(HEX[(int) (value >>> shift) & 0xf]);
        }
        return b.toString();
    }

    static String printable(String key) {
        return key.replace("\0", "\\0");
    }
}
