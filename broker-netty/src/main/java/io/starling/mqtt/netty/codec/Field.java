package io.starling.mqtt.netty.codec;

/**
 * A length-prefixed field of a packet, with the statements a decoder cites when it goes wrong: {@code presenceId}
 * when the field is missing or runs past the end of the packet, {@code formatId} when its content breaks the
 * field's own rule (may be null when the general string rules suffice).
 */
record Field(String name, String presenceId, String formatId) {
    Field(String name, String presenceId) {
        this(name, presenceId, null);
    }
}
