package io.starling.mqtt.netty.codec;

/**
 * A CONNECT naming a protocol we know with a level we do not speak. Unlike other malformed packets this one is
 * answered: the server sends CONNACK 0x01 (unacceptable protocol version) and then closes [MQTT-3.1.2-2], so it
 * is a distinct type the inbound handler can recognise.
 */
public final class UnsupportedProtocolLevelException extends MalformedPacketException {
    private static final long serialVersionUID = 1L;
    static final String STATEMENT_ID = "MQTT-3.1.2-2";

    private final String protocolName;
    private final int protocolLevel;

    public UnsupportedProtocolLevelException(String protocolName, int protocolLevel) {
        super("protocol level " + protocolLevel + " is not supported for protocol name \"" + protocolName + "\"",
                STATEMENT_ID);
        this.protocolName = protocolName;
        this.protocolLevel = protocolLevel;
    }

    public String protocolName() {
        return protocolName;
    }

    public int protocolLevel() {
        return protocolLevel;
    }
}
