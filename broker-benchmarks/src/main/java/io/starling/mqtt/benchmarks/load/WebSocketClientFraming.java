package io.starling.mqtt.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The least a load client needs to speak MQTT over WebSocket (RFC 6455), placed before {@link LoadClient}: it sends
 * the HTTP upgrade when the connection opens and tells the client it is active only once the 101 arrives; outbound,
 * each buffer becomes one masked binary frame; inbound, frame headers are stripped and payload bytes passed on as
 * they arrive, so a packet may span frames and a frame hold several packets, as section 6 allows.
 *
 * <p>Frames are masked with a random non-zero key per connection, as browsers mask theirs: the broker then unmasks
 * every byte (Netty skips that work for a zero key, which would flatter the WebSocket figures).
 */
final class WebSocketClientFraming extends ChannelDuplexHandler {
    private static final int BINARY = 0x2;
    private static final int CLOSE = 0x8;

    private final String host;
    private final int port;
    private final String path;
    private final byte[] mask = new byte[4];
    private boolean upgraded;
    /** Bytes received but not yet consumed: the response headers, or a frame header cut by a read. */
    private ByteBuf pending;
    /** Payload bytes of the current frame still to come, and whether they are MQTT bytes. */
    private long payloadLeft;
    private boolean dataFrame;

    WebSocketClientFraming(String host, int port, String path) {
        this.host = host;
        this.port = port;
        this.path = path;
        do {
            ThreadLocalRandom.current().nextBytes(mask);
        } while (mask[0] == 0 && mask[1] == 0 && mask[2] == 0 && mask[3] == 0);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: mqtt\r\n\r\n";
        ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(request.getBytes(StandardCharsets.US_ASCII)));
        // channelActive goes on to the MQTT client once the upgrade is answered.
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        ByteBuf in = (ByteBuf) msg;
        if (pending != null) {
            pending.writeBytes(in);
            in.release();
            in = pending;
            pending = null;
        }
        if (!upgraded) {
            int end = indexOfHeaderEnd(in);
            if (end < 0) {
                pending = in;
                return;
            }
            String status = in.toString(in.readerIndex(), Math.min(12, end), StandardCharsets.US_ASCII);
            if (!status.startsWith("HTTP/1.1 101")) {
                in.release();
                ctx.close();
                return;
            }
            in.readerIndex(end);
            upgraded = true;
            ctx.fireChannelActive();
        }
        deframe(ctx, in);
    }

    private void deframe(ChannelHandlerContext ctx, ByteBuf in) {
        try {
            while (in.isReadable()) {
                if (payloadLeft > 0) {
                    int n = (int) Math.min(payloadLeft, in.readableBytes());
                    payloadLeft -= n;
                    if (dataFrame) {
                        ctx.fireChannelRead(in.readRetainedSlice(n));
                    } else {
                        in.skipBytes(n);
                    }
                    continue;
                }
                int start = in.readerIndex();
                if (in.readableBytes() < 2) {
                    break;
                }
                int opcode = in.getByte(start) & 0x0F;
                int length = in.getByte(start + 1) & 0x7F;
                int header = length == 126 ? 4 : length == 127 ? 10 : 2;
                if (in.readableBytes() < header) {
                    break;
                }
                payloadLeft = length == 126 ? in.getUnsignedShort(start + 2)
                        : length == 127 ? in.getLong(start + 2) : length;
                in.skipBytes(header);
                if (opcode == CLOSE) {
                    ctx.close();
                    return;
                }
                // Binary or continuation frames carry MQTT; the broker sends nothing else but closes.
                dataFrame = opcode == BINARY || opcode == 0;
            }
            if (in.isReadable()) {
                pending = ctx.alloc().buffer(in.readableBytes()).writeBytes(in);
            }
        } finally {
            in.release();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf payload) || !upgraded) {
            ctx.write(msg, promise);
            return;
        }
        int length = payload.readableBytes();
        ByteBuf header = ctx.alloc().buffer(14);
        header.writeByte(0x80 | BINARY);
        if (length < 126) {
            header.writeByte(0x80 | length);
        } else if (length < 65_536) {
            header.writeByte(0x80 | 126).writeShort(length);
        } else {
            header.writeByte(0x80 | 127).writeLong(length);
        }
        header.writeBytes(mask);
        // The buffer is ours now (the client wrote it and never touches it again): mask it in place.
        int at = payload.readerIndex();
        for (int i = 0; i < length; i++) {
            payload.setByte(at + i, payload.getByte(at + i) ^ mask[i & 3]);
        }
        ctx.write(header, ctx.voidPromise());
        ctx.write(payload, promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    /** The index just after the blank line ending the HTTP response headers, or -1. */
    private static int indexOfHeaderEnd(ByteBuf in) {
        for (int i = in.readerIndex(); i + 3 < in.writerIndex(); i++) {
            if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n' && in.getByte(i + 2) == '\r'
                    && in.getByte(i + 3) == '\n') {
                return i + 4;
            }
        }
        return -1;
    }
}
