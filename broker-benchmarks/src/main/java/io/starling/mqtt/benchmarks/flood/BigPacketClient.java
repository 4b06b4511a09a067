package io.starling.mqtt.benchmarks.flood;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.starling.mqtt.benchmarks.load.Wire;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Attack (b): a client that connects properly, then sends a PUBLISH fixed header declaring {@code flood.big.length}
 * bytes (by default the MQTT maximum, about 256 MB) and random body bytes: a trickle of 1 KiB every 10 ms for
 * {@code flood.big.trickle} s, then as fast as the broker reads, until the declared body is out, the broker closes
 * the connection, or the attack ends. A broker that checks the declared length against its limit closes it during
 * the trickle, after a few KiB at most; one that buffers or allocates takes the lot. Touched only by its event loop
 * apart from the volatile outcome.
 */
final class BigPacketClient extends ChannelInboundHandlerAdapter {
    private static final int CHUNK = 64 * 1024;
    private static final int TRICKLE = 1024;
    private static final long TRICKLE_PERIOD_MS = 10;

    private final int declared;
    private final long trickleNanos;
    private ChannelHandlerContext ctx;
    private ByteBuf random;
    private ScheduledFuture<?> trickler;
    private boolean connacked;
    private long headerAt;
    private long queued;
    private long written;
    private boolean blasting;
    private boolean stopping;
    private String note;
    private volatile BigPacketOutcome outcome;

    BigPacketClient(int declared, double trickleSeconds) {
        this.declared = declared;
        this.trickleNanos = (long) (trickleSeconds * 1e9);
        this.outcome = new BigPacketOutcome(declared, false, false, false, 0, -1, false, null);
    }

    /** What happened so far; any thread. */
    BigPacketOutcome outcome() {
        return outcome;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.writeAndFlush(Wire.connect(ctx.alloc(), "flood-big", 0), ctx.voidPromise());
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (!connacked && headerAt == 0 && in.readableBytes() >= 4 && in.getUnsignedByte(in.readerIndex()) == Wire.CONNACK << 4) {
                if (in.getUnsignedByte(in.readerIndex() + 3) == 0) {
                    connacked = true;
                    sendHeader();
                } else {
                    note = "CONNACK return code " + in.getUnsignedByte(in.readerIndex() + 3);
                }
            }
        } finally {
            in.release();
        }
        publish(false);
    }

    private void sendHeader() {
        byte[] seed = new byte[CHUNK];
        new SplittableRandom(0xB16L).nextBytes(seed);
        random = ctx.alloc().buffer(CHUNK).writeBytes(seed);
        ByteBuf header = ctx.alloc().ioBuffer(5);
        header.writeByte(Wire.PUBLISH << 4);
        Wire.writeVarInt(header, declared);
        ctx.writeAndFlush(header, ctx.voidPromise());
        headerAt = System.nanoTime();
        publish(false);
        if (trickleNanos > 0) {
            trickler = ctx.executor().scheduleAtFixedRate(this::trickle, TRICKLE_PERIOD_MS, TRICKLE_PERIOD_MS,
                    TimeUnit.MILLISECONDS);
        } else {
            blasting = true;
            blast();
        }
    }

    private void trickle() {
        if (!ctx.channel().isActive() || stopping) {
            trickler.cancel(false);
            return;
        }
        if (System.nanoTime() - headerAt >= trickleNanos) {
            trickler.cancel(false);
            blasting = true;
            blast();
            return;
        }
        send(TRICKLE);
        ctx.flush();
    }

    /** Up to 1 MiB per turn of the loop, which it shares with the flood's connections; more in the next turn. */
    private void blast() {
        for (int i = 0; i < 16; i++) {
            if (!blasting || stopping || queued >= declared || !ctx.channel().isActive() || !ctx.channel().isWritable()) {
                return;
            }
            send(CHUNK);
            ctx.flush();
        }
        ctx.executor().execute(this::blast);
    }

    private void send(int max) {
        int n = (int) Math.min(max, declared - queued);
        if (n <= 0) {
            return;
        }
        queued += n;
        ctx.write(random.retainedSlice(0, n)).addListener(f -> {
            if (f.isSuccess()) {
                written += n;
                publish(false);
            }
        });
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        blast();
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (trickler != null) {
            trickler.cancel(false);
        }
        publish(!stopping);
        if (random != null) {
            random.release();
            random = null;
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (note == null) {
            note = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        }
        ctx.close();
    }

    /** The TCP connect failed; on the loop. */
    void connectFailed(Throwable cause) {
        note = "connect: " + cause.getMessage();
        publish(false);
    }

    /** Ends the attack: the close is ours from now on. On the loop. */
    void stop() {
        stopping = true;
        publish(false);
        ctx.close();
    }

    private void publish(boolean closedNow) {
        BigPacketOutcome last = outcome;
        boolean closed = last.closedByBroker() || closedNow && headerAt != 0 || closedNow && !connacked;
        double ms = last.closedByBroker() ? last.millisToClose()
                : closedNow && headerAt != 0 ? (System.nanoTime() - headerAt) / 1e6 : -1;
        outcome = new BigPacketOutcome(declared, connacked, headerAt != 0, closed, written, ms, written >= declared,
                note);
    }
}
