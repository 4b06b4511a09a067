package io.starling.mqtt.netty.fuzz;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.starling.mqtt.netty.codec.MqttFrameDecoder;
import io.starling.mqtt.packet.ConnAck;
import io.starling.mqtt.packet.ConnectReturnCode;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PacketType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a well-behaved server may write on one connection: whole MQTT 3.1.1 packets that both our decoder and
 * Netty's read the same way, only of the types a server sends, CONNACK first and once, and nothing after a
 * refusing CONNACK.
 */
final class ServerOutput {
    private static final Set<PacketType> SERVER_TYPES = EnumSet.of(PacketType.CONNACK, PacketType.PUBLISH,
            PacketType.PUBACK, PacketType.PUBREC, PacketType.PUBREL, PacketType.PUBCOMP, PacketType.SUBACK,
            PacketType.UNSUBACK, PacketType.PINGRESP);

    private ServerOutput() {}

    /** Checks {@code bytes}, everything the server wrote on one connection, and returns the packets. */
    static List<MqttPacket> assertValid(String client, byte[] bytes, TrackingAllocator alloc) {
        List<MqttPacket> packets = decode(client, bytes, alloc);

        List<NettyOracle.Decoded> netty = NettyOracle.decode(bytes, alloc);
        check(netty.size() == packets.size(), client, "Netty reads " + netty.size() + " messages where we read "
                + packets, bytes);
        for (int i = 0; i < packets.size(); i++) {
            NettyOracle.Decoded read = netty.get(i);
            check(read.failure() == null, client, "Netty rejects packet " + i + " (" + packets.get(i) + "): "
                    + read.failure(), bytes);
            check(read.type() == packets.get(i).type().value(), client, "Netty reads packet " + i + " ("
                    + packets.get(i) + ") as type " + read.type(), bytes);
        }

        for (int i = 0; i < packets.size(); i++) {
            MqttPacket packet = packets.get(i);
            check(SERVER_TYPES.contains(packet.type()), client, "a server never sends " + packet, bytes);
            check(packet.type() == PacketType.CONNACK == (i == 0), client,
                    "CONNACK must come first and only once [MQTT-3.2.0-1], packet " + i + " is " + packet, bytes);
            if (packet instanceof ConnAck connAck && connAck.returnCode() != ConnectReturnCode.ACCEPTED) {
                check(packets.size() == 1, client, "packets after a refusing " + connAck + " [MQTT-3.2.2-5]",
                        bytes);
                check(!connAck.sessionPresent(), client, "a refusing CONNACK with session present [MQTT-3.2.2-4]",
                        bytes);
            }
        }
        return packets;
    }

    private static List<MqttPacket> decode(String client, byte[] bytes, TrackingAllocator alloc) {
        List<MqttPacket> packets = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        int[] framed = new int[1];
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(new MqttFrameDecoder(MqttFrameDecoder.MAX_PACKET_SIZE, size -> framed[0] += size),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        packets.add((MqttPacket) msg);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        errors.add(cause);
                    }
                });
        try {
            channel.writeInbound(alloc.copyOf(bytes));
        } finally {
            channel.finishAndReleaseAll();
        }
        check(errors.isEmpty(), client, "the server wrote a malformed packet after " + packets + ": " + errors,
                bytes);
        check(framed[0] == bytes.length, client, "the server wrote " + (bytes.length - framed[0])
                + " bytes of an incomplete packet after " + packets, bytes);
        return packets;
    }

    private static void check(boolean condition, String client, String message, byte[] bytes) {
        if (!condition) {
            throw new AssertionError(client + ": " + message + "; server bytes: "
                    + PacketBytes.hex(bytes));
        }
    }
}
