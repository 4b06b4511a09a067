package io.starling.mqtt.benchmarks.flood;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import io.starling.mqtt.benchmarks.load.Wire;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The well-behaved client: CONNECT, SUBSCRIBE to its own topic at QoS 1, then QoS 1 publishes to that topic at a
 * steady rate, each stamped with its sequence number and send time; a delivery's arrival time minus its send time
 * is the round trip. Runs on its own event loop, away from the attackers, so their work does not delay its clock
 * readings. Everything but {@link #ready()} and {@link #closedUnexpectedly()} is touched only on that loop.
 */
final class RoundTripProbe extends ByteToMessageDecoder {
    static final String CLIENT_ID = "flood-probe";
    private static final byte[] TOPIC = Wire.utf8("bench/flood/probe");
    private static final int PAYLOAD = 64;
    private static final int KEEP_ALIVE = 60;

    private final long[] sentAt;
    private final long[] receivedAt;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> ticker;
    private int sent;
    private long duplicates;
    private long acked;
    private boolean closing;
    private volatile String closedUnexpectedly;
    private String firstError;

    /** Room for {@code capacity} messages; publishing stops when they are used up. */
    RoundTripProbe(int capacity) {
        sentAt = new long[capacity];
        receivedAt = new long[capacity];
        Arrays.fill(receivedAt, RoundTrips.NOT_RECEIVED);
    }

    /** Completes once the subscription is granted; fails if the broker refuses or closes before. */
    CompletableFuture<Void> ready() {
        return ready;
    }

    /** Why the broker closed the connection during the run, or null. */
    String closedUnexpectedly() {
        return closedUnexpectedly;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.writeAndFlush(Wire.connect(ctx.alloc(), CLIENT_ID, KEEP_ALIVE));
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        long frame;
        while ((frame = Wire.frame(in)) != Wire.INCOMPLETE) {
            int start = in.readerIndex();
            int header = (int) (frame >>> 32);
            int length = (int) frame;
            int first = in.getUnsignedByte(start);
            int body = start + header;
            switch (first >>> 4) {
                case Wire.CONNACK -> onConnack(in.getUnsignedByte(body + 1));
                case Wire.SUBACK -> onSuback(in.getUnsignedByte(body + 2));
                case Wire.PUBLISH -> onPublish(in, first, body);
                case Wire.PUBACK -> acked++;
                case Wire.PINGRESP -> { }
                default -> error("unexpected packet type " + (first >>> 4));
            }
            in.readerIndex(start + header + length);
        }
    }

    private void onConnack(int returnCode) {
        if (returnCode != 0) {
            ready.completeExceptionally(new IllegalStateException("CONNACK return code " + returnCode));
            ctx.close();
        } else {
            ctx.writeAndFlush(Wire.subscribe(ctx.alloc(), 1, "bench/flood/probe", 1));
        }
    }

    private void onSuback(int granted) {
        if (granted == 0x80) {
            ready.completeExceptionally(new IllegalStateException("subscription refused"));
            ctx.close();
        } else {
            ready.complete(null);
        }
    }

    private void onPublish(ByteBuf in, int first, int body) {
        long now = System.nanoTime();
        int qos = (first >>> 1) & 3;
        int topicLength = in.getUnsignedShort(body);
        int idAt = body + 2 + topicLength;
        int payload = idAt + (qos > 0 ? 2 : 0);
        long sequence = in.getLong(payload + 4);
        if (sequence >= 0 && sequence < sent) {
            if (receivedAt[(int) sequence] == RoundTrips.NOT_RECEIVED) {
                receivedAt[(int) sequence] = now;
            } else {
                duplicates++;
            }
        } else {
            error("delivery with an unknown sequence number " + sequence);
        }
        if (qos > 0) {
            ByteBuf ack = ctx.alloc().ioBuffer(4);
            Wire.writeAck(ack, qos == 1 ? Wire.PUBACK : Wire.PUBREC, in.getUnsignedShort(idAt));
            ctx.writeAndFlush(ack, ctx.voidPromise());
        }
    }

    /** Starts publishing {@code ratePerSecond} messages a second; called from any thread. */
    void start(double ratePerSecond) {
        long period = (long) (1e9 / ratePerSecond);
        ctx.executor().execute(() -> ticker = ctx.executor().scheduleAtFixedRate(this::publish, 0, period,
                TimeUnit.NANOSECONDS));
    }

    private void publish() {
        if (sent >= sentAt.length || !ctx.channel().isActive()) {
            return;
        }
        int seq = sent++;
        ByteBuf out = ctx.alloc().ioBuffer(Wire.publishFrameLength(TOPIC.length, 1, PAYLOAD));
        long now = System.nanoTime();
        sentAt[seq] = now;
        Wire.writePublish(out, TOPIC, 1, 1 + seq % 65_535, PAYLOAD, 0, seq, now);
        ctx.writeAndFlush(out, ctx.voidPromise());
    }

    /** Stops publishing (deliveries still count). On the loop: call through {@code executor().submit}. */
    void stop() {
        if (ticker != null) {
            ticker.cancel(false);
        }
    }

    /** Messages sent so far and how many of them came back. On the loop. */
    int[] progress() {
        int back = 0;
        for (int i = 0; i < sent; i++) {
            if (receivedAt[i] != RoundTrips.NOT_RECEIVED) {
                back++;
            }
        }
        return new int[] {sent, back};
    }

    /** The round trips of the messages sent in {@code [from, to)}; unanswered ones wait until {@code end}. On the loop. */
    RttSummary window(long from, long to, long end) {
        return RoundTrips.summarize(sentAt, receivedAt, sent, from, to, end);
    }

    long duplicates() {
        return duplicates;
    }

    String firstError() {
        return firstError;
    }

    /** DISCONNECT and close; on the loop. */
    void disconnect() {
        closing = true;
        stop();
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(Wire.twoBytes(ctx.alloc(), Wire.DISCONNECT)).addListener(f -> ctx.close());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        if (!closing) {
            closedUnexpectedly = "the broker closed the connection" + (firstError != null ? " (" + firstError + ")" : "");
        }
        ready.completeExceptionally(new IllegalStateException("connection closed before the subscription was granted"));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        error(cause.toString());
        ctx.close();
    }

    private void error(String what) {
        if (firstError == null) {
            firstError = what;
        }
    }
}
