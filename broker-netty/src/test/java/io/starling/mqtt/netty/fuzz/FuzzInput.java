package io.starling.mqtt.netty.fuzz;

import java.util.Arrays;

/**
 * Reads a fuzz input front to back. The fuzz targets take plain {@code byte[]} rather than Jazzer's
 * FuzzedDataProvider, which takes numbers from the end of the input: with a front-to-back format a seed is just
 * the bytes it describes, so {@link SeedCorpus} can write seeds that say what they mean, and a finding can be
 * read by eye.
 */
final class FuzzInput {
    private final byte[] data;
    private int position;

    FuzzInput(byte[] data) {
        this.data = data;
    }

    boolean hasMore() {
        return position < data.length;
    }

    /** The next byte as 0..255, or 0 past the end. */
    int u8() {
        return hasMore() ? data[position++] & 0xFF : 0;
    }

    /** The next big-endian two bytes as 0..65535, with 0 for each byte past the end. */
    int u16() {
        return u8() << 8 | u8();
    }

    /** The next {@code count} bytes, or all that are left when fewer remain. */
    byte[] bytes(int count) {
        int end = (int) Math.min(data.length, (long) position + count);
        byte[] taken = Arrays.copyOfRange(data, position, end);
        position = end;
        return taken;
    }
}
