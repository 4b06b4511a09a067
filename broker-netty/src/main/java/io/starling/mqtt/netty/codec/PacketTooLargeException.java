package io.starling.mqtt.netty.codec;

/**
 * A fixed header declaring a packet larger than the configured limit. MQTT 3.1.1 leaves the limit to the server
 * and numbers no statement for it; the connection is closed like for any malformed packet.
 */
public final class PacketTooLargeException extends MalformedPacketException {
    private static final long serialVersionUID = 1L;

    private final long declaredSize;
    private final int maxPacketSize;

    public PacketTooLargeException(long declaredSize, int maxPacketSize) {
        super("packet declares " + declaredSize + " bytes, more than the limit of " + maxPacketSize + " bytes");
        this.declaredSize = declaredSize;
        this.maxPacketSize = maxPacketSize;
    }

    /** The whole packet's size as the fixed header declares it, fixed header included. */
    public long declaredSize() {
        return declaredSize;
    }

    public int maxPacketSize() {
        return maxPacketSize;
    }
}
