package io.starling.mqtt.packet;

import java.util.Arrays;
import java.util.Objects;

/**
 * CONNECT. {@code protocolLevel} is 4 for MQTT 3.1.1 ({@code MQTT}) or 3 for MQTT 3.1 ({@code MQIsdp}).
 * {@code will}, {@code username} and {@code password} are null when absent.
 */
public record Connect(String protocolName, int protocolLevel, boolean cleanSession, int keepAliveSeconds,
                      String clientId, Will will, String username, byte[] password) implements MqttPacket {
    public static final String PROTOCOL_NAME_V311 = "MQTT";
    public static final int PROTOCOL_LEVEL_V311 = 4;
    public static final String PROTOCOL_NAME_V31 = "MQIsdp";
    public static final int PROTOCOL_LEVEL_V31 = 3;

    public Connect {
        Objects.requireNonNull(protocolName, "protocolName");
        Objects.requireNonNull(clientId, "clientId");
        if (keepAliveSeconds < 0 || keepAliveSeconds > 65_535) {
            throw new IllegalArgumentException("keep alive must be 0..65535 seconds, was " + keepAliveSeconds);
        }
        if (password != null && username == null) {
            throw new IllegalArgumentException("a password needs a user name [MQTT-3.1.2-22]");
        }
    }

    @Override
    public PacketType type() {
        return PacketType.CONNECT;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Connect c && protocolName.equals(c.protocolName) && protocolLevel == c.protocolLevel
                && cleanSession == c.cleanSession && keepAliveSeconds == c.keepAliveSeconds
                && clientId.equals(c.clientId) && Objects.equals(will, c.will) && Objects.equals(username, c.username)
                && Arrays.equals(password, c.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocolName, protocolLevel, cleanSession, keepAliveSeconds, clientId, will, username,
                Arrays.hashCode(password));
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "Connect[" + protocolName + "/" + protocolLevel + ", clientId=" + clientId + ", cleanSession="
                + cleanSession + ", keepAlive=" + keepAliveSeconds + ", will=" + will + ", username=" + username
                + ", password=" + (password == null ? "absent" : "***") + "]";
    }
}
