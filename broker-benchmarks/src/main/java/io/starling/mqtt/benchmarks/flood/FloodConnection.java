package io.starling.mqtt.benchmarks.flood;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.starling.mqtt.benchmarks.load.Wire;

/**
 * One hostile connection once its TCP handshake is through: does what its kind says and notes when the broker
 * closes it. Touched only by its event loop.
 */
final class FloodConnection extends ChannelInboundHandlerAdapter {
    private final AttackKind kind;
    private final String clientId;
    private final AttackTally tally;
    private long connectedAt;
    private boolean closingOurselves;
    private boolean answered;
    private int replyBytes;
    private final byte[] reply = new byte[4];

    FloodConnection(AttackKind kind, int attempt, AttackTally tally) {
        this.kind = kind;
        this.clientId = "flood-" + attempt;
        this.tally = tally;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        connectedAt = System.nanoTime();
        switch (kind) {
            case IDLE -> { } // slowloris: hold the socket, say nothing
            case PARTIAL -> {
                // the first 7 bytes of a valid CONNECT (fixed header, protocol name length, "MQT"), then silence
                ByteBuf whole = Wire.connect(ctx.alloc(), clientId, 60);
                ctx.writeAndFlush(whole.retainedSlice(0, 7), ctx.voidPromise());
                whole.release();
            }
            case CONNECT -> ctx.writeAndFlush(Wire.connect(ctx.alloc(), clientId, 60), ctx.voidPromise());
            case BARE -> closeOurselves(ctx);
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            while (in.isReadable() && replyBytes < reply.length) {
                reply[replyBytes++] = in.readByte();
            }
        } finally {
            in.release();
        }
        if (kind == AttackKind.CONNECT && !answered && replyBytes == 4) {
            answered = true;
            // CONNACK: 0x20 0x02 flags return-code
            if ((reply[0] & 0xff) == Wire.CONNACK << 4 && reply[3] == 0) {
                tally.connacked(kind);
            }
            ctx.writeAndFlush(Wire.twoBytes(ctx.alloc(), Wire.DISCONNECT));
            closeOurselves(ctx);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!closingOurselves) {
            tally.closedByBroker(kind, System.nanoTime() - connectedAt);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset from the broker: counted as its close in channelInactive
    }

    private void closeOurselves(ChannelHandlerContext ctx) {
        closingOurselves = true;
        ctx.close();
    }
}
