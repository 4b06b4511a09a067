package io.starling.mqtt.netty.codec;

import io.starling.mqtt.api.QoS;

/** The connect flags byte of a CONNECT (section 3.1.2.3), checked for the combinations a single byte can break. */
record ConnectFlags(boolean cleanSession, boolean will, QoS willQos, boolean willRetain, boolean password,
                    boolean userName) {
    static final int RESERVED = 0x01;
    static final int CLEAN_SESSION = 0x02;
    static final int WILL = 0x04;
    static final int WILL_QOS_MASK = 0x18;
    static final int WILL_QOS_SHIFT = 3;
    static final int WILL_RETAIN = 0x20;
    static final int PASSWORD = 0x40;
    static final int USER_NAME = 0x80;

    static ConnectFlags parse(int bits) {
        if ((bits & RESERVED) != 0) {
            throw new MalformedPacketException("CONNECT reserved flag bit 0 is set", "MQTT-3.1.2-3");
        }
        boolean will = (bits & WILL) != 0;
        int willQos = (bits & WILL_QOS_MASK) >>> WILL_QOS_SHIFT;
        boolean willRetain = (bits & WILL_RETAIN) != 0;
        if (!will && willQos != 0) {
            throw new MalformedPacketException("will QoS is " + willQos + " without the will flag [MQTT-3.1.2-11]",
                    "MQTT-3.1.2-13");
        }
        if (!will && willRetain) {
            throw new MalformedPacketException("will retain is set without the will flag [MQTT-3.1.2-11]",
                    "MQTT-3.1.2-15");
        }
        if (willQos == 3) {
            throw new MalformedPacketException("will QoS is 3", "MQTT-3.1.2-14");
        }
        boolean password = (bits & PASSWORD) != 0;
        boolean userName = (bits & USER_NAME) != 0;
        if (password && !userName) {
            throw new MalformedPacketException("password flag is set without the user name flag", "MQTT-3.1.2-22");
        }
        return new ConnectFlags((bits & CLEAN_SESSION) != 0, will, QoS.of(willQos), willRetain, password, userName);
    }
}
