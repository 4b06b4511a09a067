package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscribePayload;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribePayload;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.packet.ConnAck;
import io.starling.mqtt.packet.Connect;
import io.starling.mqtt.packet.ConnectReturnCode;
import io.starling.mqtt.packet.Disconnect;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PingReq;
import io.starling.mqtt.packet.PingResp;
import io.starling.mqtt.packet.PubAck;
import io.starling.mqtt.packet.PubComp;
import io.starling.mqtt.packet.PubRec;
import io.starling.mqtt.packet.PubRel;
import io.starling.mqtt.packet.Publish;
import io.starling.mqtt.packet.SubAck;
import io.starling.mqtt.packet.Subscribe;
import io.starling.mqtt.packet.Subscription;
import io.starling.mqtt.packet.UnsubAck;
import io.starling.mqtt.packet.Unsubscribe;
import io.starling.mqtt.packet.Will;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;

/** Converts between our records and Netty's codec-mqtt messages, field by field, for the differential tests. */
final class NettyPackets {
    private NettyPackets() {}

    /** The Netty message for {@code packet}; a PUBLISH holds a buffer that the Netty encoder releases. */
    static MqttMessage toNetty(MqttPacket packet) {
        if (packet instanceof Connect c) {
            Will will = c.will();
            MqttConnectVariableHeader header = new MqttConnectVariableHeader(c.protocolName(), c.protocolLevel(),
                    c.username() != null, c.password() != null, will != null && will.retain(),
                    will == null ? 0 : will.qos().value(), will != null, c.cleanSession(), c.keepAliveSeconds());
            MqttConnectPayload payload = new MqttConnectPayload(c.clientId(),
                    will == null ? null : will.topic().value(), will == null ? null : will.payload(), c.username(),
                    c.password());
            return new MqttConnectMessage(fixed(MqttMessageType.CONNECT), header, payload);
        }
        if (packet instanceof ConnAck a) {
            return new MqttConnAckMessage(fixed(MqttMessageType.CONNACK), new MqttConnAckVariableHeader(
                    MqttConnectReturnCode.valueOf((byte) a.returnCode().value()), a.sessionPresent()));
        }
        if (packet instanceof Publish p) {
            MqttFixedHeader header = new MqttFixedHeader(MqttMessageType.PUBLISH, p.dup(),
                    MqttQoS.valueOf(p.qos().value()), p.retain(), 0);
            return new MqttPublishMessage(header, new MqttPublishVariableHeader(p.topic().value(), p.packetId()),
                    Unpooled.wrappedBuffer(p.payload()));
        }
        if (packet instanceof PubAck a) {
            return new MqttPubAckMessage(fixed(MqttMessageType.PUBACK), MqttMessageIdVariableHeader.from(a.packetId()));
        }
        if (packet instanceof PubRec r) {
            return idOnly(MqttMessageType.PUBREC, r.packetId());
        }
        if (packet instanceof PubRel r) {
            return idOnly(MqttMessageType.PUBREL, r.packetId());
        }
        if (packet instanceof PubComp c) {
            return idOnly(MqttMessageType.PUBCOMP, c.packetId());
        }
        if (packet instanceof Subscribe s) {
            return new MqttSubscribeMessage(fixed(MqttMessageType.SUBSCRIBE),
                    MqttMessageIdVariableHeader.from(s.packetId()), new MqttSubscribePayload(s.subscriptions().stream()
                    .map(sub -> new MqttTopicSubscription(sub.filter().value(), MqttQoS.valueOf(sub.qos().value())))
                    .toList()));
        }
        if (packet instanceof SubAck s) {
            return new MqttSubAckMessage(fixed(MqttMessageType.SUBACK), MqttMessageIdVariableHeader.from(s.packetId()),
                    new MqttSubAckPayload(s.returnCodes()));
        }
        if (packet instanceof Unsubscribe u) {
            return new MqttUnsubscribeMessage(fixed(MqttMessageType.UNSUBSCRIBE),
                    MqttMessageIdVariableHeader.from(u.packetId()),
                    new MqttUnsubscribePayload(u.filters().stream().map(TopicFilter::value).toList()));
        }
        if (packet instanceof UnsubAck u) {
            return new MqttUnsubAckMessage(fixed(MqttMessageType.UNSUBACK), MqttMessageIdVariableHeader.from(u.packetId()));
        }
        return new MqttMessage(fixed(switch (packet.type()) {
            case PINGREQ -> MqttMessageType.PINGREQ;
            case PINGRESP -> MqttMessageType.PINGRESP;
            case DISCONNECT -> MqttMessageType.DISCONNECT;
            default -> throw new IllegalArgumentException("unmapped " + packet);
        }));
    }

    /** Our record for a message Netty decoded; does not release it. */
    static MqttPacket fromNetty(MqttMessage message) {
        MqttFixedHeader fixed = message.fixedHeader();
        switch (fixed.messageType()) {
            case CONNECT: {
                MqttConnectMessage m = (MqttConnectMessage) message;
                MqttConnectVariableHeader h = m.variableHeader();
                MqttConnectPayload p = m.payload();
                Will will = h.isWillFlag() ? new Will(TopicName.of(p.willTopic()), p.willMessageInBytes(),
                        QoS.of(h.willQos()), h.isWillRetain()) : null;
                return new Connect(h.name(), h.version(), h.isCleanSession(), h.keepAliveTimeSeconds(),
                        p.clientIdentifier(), will, h.hasUserName() ? p.userName() : null,
                        h.hasPassword() ? p.passwordInBytes() : null);
            }
            case CONNACK: {
                MqttConnAckVariableHeader h = ((MqttConnAckMessage) message).variableHeader();
                return new ConnAck(h.isSessionPresent(), ConnectReturnCode.of(h.connectReturnCode().byteValue()));
            }
            case PUBLISH: {
                MqttPublishMessage m = (MqttPublishMessage) message;
                QoS qos = QoS.of(fixed.qosLevel().value());
                return new Publish(TopicName.of(m.variableHeader().topicName()), qos, fixed.isDup(), fixed.isRetain(),
                        qos == QoS.AT_MOST_ONCE ? 0 : m.variableHeader().packetId(),
                        ByteBufUtil.getBytes(m.payload()));
            }
            case PUBACK:
                return new PubAck(messageId(message));
            case PUBREC:
                return new PubRec(messageId(message));
            case PUBREL:
                return new PubRel(messageId(message));
            case PUBCOMP:
                return new PubComp(messageId(message));
            case SUBSCRIBE: {
                MqttSubscribeMessage m = (MqttSubscribeMessage) message;
                return new Subscribe(m.variableHeader().messageId(), m.payload().topicSubscriptions().stream()
                        .map(t -> new Subscription(TopicFilter.of(t.topicFilter()), QoS.of(t.qualityOfService().value())))
                        .toList());
            }
            case SUBACK: {
                MqttSubAckMessage m = (MqttSubAckMessage) message;
                return new SubAck(m.variableHeader().messageId(), m.payload().reasonCodes());
            }
            case UNSUBSCRIBE: {
                MqttUnsubscribeMessage m = (MqttUnsubscribeMessage) message;
                return new Unsubscribe(m.variableHeader().messageId(),
                        m.payload().topics().stream().map(TopicFilter::of).toList());
            }
            case UNSUBACK:
                return new UnsubAck(messageId(message));
            case PINGREQ:
                return PingReq.INSTANCE;
            case PINGRESP:
                return PingResp.INSTANCE;
            case DISCONNECT:
                return Disconnect.INSTANCE;
            default:
                throw new IllegalArgumentException("not an MQTT 3.1.1 type: " + fixed);
        }
    }

    private static int messageId(MqttMessage message) {
        return ((MqttMessageIdVariableHeader) message.variableHeader()).messageId();
    }

    private static MqttMessage idOnly(MqttMessageType type, int packetId) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0), MqttMessageIdVariableHeader.from(packetId));
    }

    private static MqttFixedHeader fixed(MqttMessageType type) {
        MqttQoS qos = type == MqttMessageType.SUBSCRIBE || type == MqttMessageType.UNSUBSCRIBE
                ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttFixedHeader(type, false, qos, false, 0);
    }
}
