package io.starling.mqtt.packet;

/** CONNACK return codes (Table 3.1); values 6..255 are reserved and never sent [MQTT-3.2.2-6]. */
public enum ConnectReturnCode {
    ACCEPTED(0x00),
    UNACCEPTABLE_PROTOCOL_VERSION(0x01),
    IDENTIFIER_REJECTED(0x02),
    SERVER_UNAVAILABLE(0x03),
    BAD_USERNAME_OR_PASSWORD(0x04),
    NOT_AUTHORIZED(0x05);

    private final int value;

    ConnectReturnCode(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public static ConnectReturnCode of(int value) {
        for (ConnectReturnCode c : values()) {
            if (c.value == value) {
                return c;
            }
        }
        throw new IllegalArgumentException("reserved CONNACK return code " + value);
    }
}
