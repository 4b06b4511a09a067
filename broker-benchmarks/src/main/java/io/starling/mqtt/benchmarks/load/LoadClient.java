package io.starling.mqtt.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * One generator connection, the only handler of its pipeline: CONNECT, then SUBSCRIBE if it subscribes, then it
 * publishes when told to. Inbound frames are parsed in place; acknowledgements of one read batch go out in one
 * buffer and one flush; a publisher writes a batch of PUBLISH frames into one buffer. Everything here runs on the
 * channel's event loop. Longer than 400 lines on purpose: subscriber, publisher and set-up share one frame loop and
 * one flush per read batch, and splitting them would put a call through an interface on every message.
 */
final class LoadClient extends ByteToMessageDecoder {
    /** Messages written per turn of a publisher before it yields its event loop to the other channels. */
    private static final int BATCH = 64;
    private static final int SUBSCRIBE_ID = 1;

    private final ClientSpec spec;
    private final RunContext run;
    private ChannelHandlerContext ctx;
    private LoopStats stats;
    private final int slot;
    private final int attempt;
    private boolean ready;
    private boolean failed;
    private long lastWrite;
    private ScheduledFuture<?> pinger;
    /** When the broker closed the connection after it was ready (nanoTime), 0 while it has not. */
    private volatile long closedAt;
    /** Holds back reads while {@link #pauseReading() paused}; in the pipeline only once paused. */
    private ReadGate gate;

    // subscriber
    private SeqTracker[] trackers;
    private ByteBuf pendingAcks;
    /** Exact mode: per publisher, every sequence number received, and how many arrivals (duplicates too). */
    private BitSet[] receivedSeqs;
    private long[] receivedCounts;

    // publisher
    private final ClientSpec.PublisherSpec pub;
    private final int maxFrameLength;
    private SplittableRandom random;
    private long sequence;
    private int inflight;
    private int nextId = 1;
    private long[] inflightIds;
    /**
     * Write time of each in-flight message, at slot {@code packetId & (length - 1)}, and the id holding each slot
     * (0: free). The ring is at least twice the window, and an id whose slot is taken is skipped, so no two
     * in-flight messages share a slot.
     */
    private long[] sentAt;
    private int[] slotOwner;
    private boolean pumpScheduled;
    private final Runnable pumpTask = this::pumpTurn;
    private ScheduledFuture<?> ticker;
    private long rateStart;
    private long scheduled;
    private long owed;
    /** Messages per second now (0: as fast as the window admits) and the inflight window now; see {@link #retarget}. */
    private double rate;
    private int window;
    /** Exact mode: the sequence number of each in-flight message, by the slot of {@link #sentAt}. */
    private long[] seqAt;
    /** Exact mode: the sequence numbers the broker acknowledged (PUBACK, or PUBCOMP). */
    private BitSet acked;

    /** Client number {@code slot} of its group, {@code attempt} 0 for the first connect and more for retries. */
    LoadClient(ClientSpec spec, RunContext run, int slot, int attempt) {
        this.spec = spec;
        this.run = run;
        this.slot = slot;
        this.attempt = attempt;
        this.pub = spec.publisher();
        if (pub != null) {
            int max = 0;
            for (byte[] topic : pub.topics()) {
                max = Math.max(max, Wire.publishFrameLength(topic.length, pub.qos(), pub.payloadSize()));
            }
            maxFrameLength = max;
            random = new SplittableRandom(pub.seed());
            rate = pub.ratePerSecond();
            window = pub.window();
            if (pub.qos() > 0) {
                inflightIds = new long[65_536 / 64];
                int ring = Integer.highestOneBit(pub.window()) << 1;
                sentAt = new long[ring];
                slotOwner = new int[ring];
                if (spec.exact()) {
                    seqAt = new long[ring];
                    acked = new BitSet();
                }
            }
        } else {
            maxFrameLength = 0;
        }
    }

    ClientSpec spec() {
        return spec;
    }

    int slot() {
        return slot;
    }

    int attempt() {
        return attempt;
    }

    /** Reports a failure before ready once; the caller may retry with a new client. */
    void fail(String why) {
        if (!ready && !failed) {
            failed = true;
            run.failed(this, why);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.stats = run.statsFor(ctx.executor());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.writeAndFlush(Wire.connect(ctx.alloc(), spec.clientId(), spec.keepAliveSeconds(), spec.cleanSession()));
        lastWrite = System.nanoTime();
        int keepAlive = spec.keepAliveSeconds();
        if (keepAlive > 0) {
            long period = Math.max(1, keepAlive * 1000L / 2);
            pinger = ctx.executor().scheduleAtFixedRate(this::pingIfIdle, period, period, TimeUnit.MILLISECONDS);
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimers();
        if (ready && !run.isClosing()) {
            stats.disconnects++;
            closedAt = System.nanoTime();
        }
        stats.inflight -= inflight;
        inflight = 0;
        fail("connection closed before it was ready");
        super.channelInactive(ctx); // may decode what is left, which may queue acknowledgements
        if (pendingAcks != null) {
            pendingAcks.release();
            pendingAcks = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!run.isClosing()) {
            stats.error(spec.clientId() + ": " + cause);
        }
        ctx.close();
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
                case Wire.PUBLISH -> onPublish(in, first, body, length);
                case Wire.PUBACK -> completed(in.getUnsignedShort(body));
                case Wire.PUBREC -> onPubrec(in.getUnsignedShort(body));
                case Wire.PUBREL -> ack(Wire.PUBCOMP, in.getUnsignedShort(body));
                case Wire.PUBCOMP -> completed(in.getUnsignedShort(body));
                case Wire.CONNACK -> onConnack(in.getUnsignedByte(body + 1));
                case Wire.SUBACK -> onSuback(in.getUnsignedByte(body + 2));
                case Wire.PINGRESP -> { }
                default -> stats.error(spec.clientId() + ": unexpected packet type " + (first >>> 4));
            }
            in.readerIndex(start + header + length);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        boolean wrote = false;
        if (pendingAcks != null) {
            ctx.write(pendingAcks, ctx.voidPromise());
            pendingAcks = null;
            wrote = true;
        }
        if (pub != null && stats.publishing) {
            wrote |= rate > 0 ? sendOwed() : writeBatch();
        }
        if (wrote) {
            flush();
        }
        super.channelReadComplete(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (pub != null && pub.qos() == 0 && rate == 0 && ctx.channel().isWritable()) {
            schedulePump();
        }
        super.channelWritabilityChanged(ctx);
    }

    // ---------------------------------------------------------------- connection set-up

    private void onConnack(int returnCode) {
        if (returnCode != 0) {
            fail("CONNACK return code " + returnCode);
            ctx.close();
        } else if (spec.filter() != null) {
            ctx.writeAndFlush(Wire.subscribe(ctx.alloc(), SUBSCRIBE_ID, spec.filter(), spec.subscribeQos()));
        } else {
            becomeReady();
        }
    }

    private void onSuback(int granted) {
        if (granted == 0x80) {
            fail("SUBACK refused " + spec.filter());
            ctx.close();
        } else {
            trackers = new SeqTracker[run.publishers()];
            if (spec.exact()) {
                receivedSeqs = new BitSet[run.publishers()];
                receivedCounts = new long[run.publishers()];
            }
            becomeReady();
        }
    }

    private void becomeReady() {
        ready = true;
        run.ready(this);
    }

    // ---------------------------------------------------------------- subscriber

    private void onPublish(ByteBuf in, int first, int body, int length) {
        int qos = (first >>> 1) & 3;
        int end = body + length;
        int pos = body + 2 + in.getUnsignedShort(body);
        int packetId = 0;
        if (qos > 0) {
            packetId = in.getUnsignedShort(pos);
            pos += 2;
        }
        if (end - pos >= Wire.PAYLOAD_HEADER && trackers != null) {
            received(in.getInt(pos), in.getLong(pos + 4), in.getLong(pos + 12));
        } else {
            stats.foreign++;
        }
        if (qos == 1) {
            ack(Wire.PUBACK, packetId);
        } else if (qos == 2) {
            ack(Wire.PUBREC, packetId);
        }
    }

    private void received(int publisher, long seq, long sentNanos) {
        LoopStats s = stats;
        s.received++;
        if (s.measuring) {
            long latency = Math.max(0, Math.min(System.nanoTime() - sentNanos, LoopStats.HIGHEST_LATENCY));
            s.latency.recordValue(latency);
            s.intervalLatency.recordValue(latency);
        }
        if (publisher < 0 || publisher >= trackers.length) {
            s.foreign++;
            return;
        }
        run.seen(publisher, seq);
        if (receivedSeqs != null) {
            BitSet seen = receivedSeqs[publisher];
            if (seen == null) {
                seen = receivedSeqs[publisher] = new BitSet();
            }
            seen.set((int) seq);
            receivedCounts[publisher]++;
        }
        SeqTracker tracker = trackers[publisher];
        if (tracker == null) {
            tracker = trackers[publisher] = new SeqTracker();
        }
        switch (tracker.accept(seq)) {
            case SeqTracker.FRESH -> s.unique++;
            case SeqTracker.LATE -> {
                s.unique++;
                s.late++;
            }
            case SeqTracker.DUPLICATE -> s.duplicates++;
            default -> s.tooOld++;
        }
    }

    private void ack(int type, int packetId) {
        if (pendingAcks == null) {
            pendingAcks = ctx.alloc().ioBuffer(256);
        }
        Wire.writeAck(pendingAcks, type, packetId);
    }

    // ---------------------------------------------------------------- publisher

    /** Starts publishing on this channel's event loop; call once every client is ready. */
    void start() {
        ctx.executor().execute(this::startPublishing);
    }

    private void startPublishing() {
        if (pub == null || !ctx.channel().isActive()) {
            return;
        }
        if (rate > 0) {
            long periodNanos = (long) Math.min(100e6, Math.max(1e6, 1e9 / rate));
            long delay = random.nextLong(periodNanos);
            rateStart = System.nanoTime() + delay;
            ticker = ctx.executor().scheduleAtFixedRate(this::tick, delay, periodNanos, TimeUnit.NANOSECONDS);
        } else {
            schedulePump();
        }
    }

    private void tick() {
        if (!stats.publishing) {
            cancelTimers();
            return;
        }
        long due = (long) ((System.nanoTime() - rateStart) * rate / 1e9) + 1 - scheduled;
        if (due > 0) {
            scheduled += due;
            owed += due;
            stats.offered += due;
        }
        if (sendOwed()) {
            flush();
        }
    }

    /** Rate mode: writes the messages due so far that the window admits. */
    private boolean sendOwed() {
        if (owed == 0) {
            return false;
        }
        long n = pub.qos() == 0 ? (ctx.channel().isWritable() ? owed : 0) : Math.min(owed, window - inflight);
        if (n < owed) {
            stats.windowStalls++;
        }
        if (n <= 0) {
            return false;
        }
        write((int) Math.min(n, Integer.MAX_VALUE));
        owed -= n;
        return true;
    }

    private void schedulePump() {
        if (!pumpScheduled) {
            pumpScheduled = true;
            ctx.executor().execute(pumpTask);
        }
    }

    /** A QoS 0 publisher that is a full window ahead of its subscribers looks again shortly. */
    private void retryLater() {
        if (!pumpScheduled) {
            pumpScheduled = true;
            ctx.executor().schedule(pumpTask, 200, TimeUnit.MICROSECONDS);
        }
    }

    private void pumpTurn() {
        pumpScheduled = false;
        if (stats.publishing && writeBatch()) {
            flush();
            if (pub.qos() == 0 && ctx.channel().isWritable()) {
                schedulePump();
            }
        }
    }

    /** As-fast-as-possible mode: one batch, bounded by writability (QoS 0) or the window (QoS 1/2). */
    private boolean writeBatch() {
        if (!ctx.channel().isActive()) {
            return false;
        }
        int n;
        if (pub.qos() == 0) {
            long allowance = run.qos0Allowance(pub.index(), sequence, pub.qos0Window());
            if (allowance <= 0) {
                retryLater();
                return false;
            }
            n = ctx.channel().isWritable() ? (int) Math.min(BATCH, allowance) : 0;
        } else {
            n = Math.min(BATCH, window - inflight);
        }
        if (n <= 0) {
            return false;
        }
        write(n);
        return true;
    }

    private void write(int n) {
        byte[][] topics = pub.topics();
        int topic = topics.length == 1 ? 0 : random.nextInt(topics.length);
        ByteBuf out = ctx.alloc().ioBuffer(n * maxFrameLength);
        long now = System.nanoTime();
        int qos = pub.qos();
        for (int i = 0; i < n; i++) {
            int packetId = 0;
            if (qos > 0) {
                packetId = allocateId();
                inflight++;
                int slot = packetId & (sentAt.length - 1);
                sentAt[slot] = now;
                slotOwner[slot] = packetId;
                if (seqAt != null) {
                    seqAt[slot] = sequence;
                }
            }
            Wire.writePublish(out, topics[topic], qos, packetId, pub.payloadSize(), pub.index(), sequence++, now);
            stats.expected += pub.matches()[topic];
            if (topics.length > 1 && i + 1 < n) {
                topic = random.nextInt(topics.length);
            }
        }
        stats.sent += n;
        if (qos > 0) {
            stats.inflight += n;
        }
        ctx.write(out, ctx.voidPromise());
    }

    private int allocateId() {
        for (int tries = 0; tries < 65_535; tries++) {
            int id = nextId;
            nextId = id == 65_535 ? 1 : id + 1;
            if ((inflightIds[id >>> 6] & (1L << id)) == 0 && slotOwner[id & (slotOwner.length - 1)] == 0) {
                inflightIds[id >>> 6] |= 1L << id;
                return id;
            }
        }
        throw new IllegalStateException("no free packet id");
    }

    private void onPubrec(int packetId) {
        if (inflightIds == null || (inflightIds[packetId >>> 6] & (1L << packetId)) == 0) {
            stats.unexpectedAcks++;
        }
        ack(Wire.PUBREL, packetId);
    }

    private void completed(int packetId) {
        if (inflightIds == null || (inflightIds[packetId >>> 6] & (1L << packetId)) == 0) {
            stats.unexpectedAcks++;
            return;
        }
        inflightIds[packetId >>> 6] &= ~(1L << packetId);
        int slot = packetId & (slotOwner.length - 1);
        slotOwner[slot] = 0;
        inflight--;
        LoopStats s = stats;
        s.inflight--;
        s.completed++;
        if (acked != null) {
            acked.set((int) seqAt[slot]);
        }
        if (s.measuring) {
            long latency = System.nanoTime() - sentAt[slot];
            s.ackLatency.recordValue(Math.max(0, Math.min(latency, LoopStats.HIGHEST_LATENCY)));
        }
    }

    // ---------------------------------------------------------------- common

    private void flush() {
        ctx.flush();
        lastWrite = System.nanoTime();
    }

    private void pingIfIdle() {
        long half = spec.keepAliveSeconds() * 500_000_000L;
        if (System.nanoTime() - lastWrite >= half && ctx.channel().isActive()) {
            ctx.write(Wire.twoBytes(ctx.alloc(), Wire.PINGREQ), ctx.voidPromise());
            flush();
        }
    }

    private void cancelTimers() {
        if (pinger != null) {
            pinger.cancel(false);
            pinger = null;
        }
        cancelTicker();
    }

    private void cancelTicker() {
        if (ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
    }

    // ---------------------------------------------------------------- phases of the overload and slow-consumer scenarios

    /**
     * From now on publishes {@code newRate} messages a second (0: as fast as the window admits) with at most
     * {@code newWindow} (up to the spec's window) unacknowledged. A rate publisher forgets what it still owed: it
     * offers open loop, and what its window held back was offered and not taken. Sets its loop's {@code publishing}
     * flag (it publishes until that is cleared). Any thread.
     */
    void retarget(double newRate, int newWindow) {
        if (pub == null || newWindow < 1 || newWindow > pub.window() || newRate < 0) {
            throw new IllegalArgumentException("rate " + newRate + ", window " + newWindow + " for " + spec.clientId());
        }
        ctx.executor().execute(() -> {
            cancelTicker();
            stats.publishing = true;
            rate = newRate;
            window = newWindow;
            owed = 0;
            scheduled = 0;
            startPublishing();
        });
    }

    /**
     * Stops reading from the socket while keeping the connection open, as a consumer that stalls: what the broker
     * writes piles up in the socket buffers, then in the broker. Any thread.
     */
    void pauseReading() {
        ctx.executor().execute(() -> {
            if (gate == null) {
                gate = new ReadGate();
                ctx.pipeline().addBefore(ctx.name(), null, gate);
            }
            gate.closed = true;
            ctx.channel().config().setAutoRead(false);
        });
    }

    /** Reads again after {@link #pauseReading()}. Any thread. */
    void resumeReading() {
        ctx.executor().execute(() -> {
            if (gate != null) {
                gate.closed = false;
            }
            ctx.channel().config().setAutoRead(true);
        });
    }

    /** When the broker closed this connection after it was ready ({@link System#nanoTime()}), 0 if it did not. */
    long closedAtNanos() {
        return closedAt;
    }

    /** Runs {@code read} on this client's loop and waits for it (at most 10 s). */
    <T> T query(Function<LoadClient, T> read) throws InterruptedException {
        try {
            return ctx.executor().submit(() -> read.apply(this)).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("event loop task failed", e);
        }
    }

    /** Exact mode, on the loop: a copy of the sequence numbers the broker acknowledged. */
    BitSet acknowledged() {
        return acked == null ? new BitSet() : (BitSet) acked.clone();
    }

    /** Exact mode, on the loop: a copy of the sequence numbers received from publisher {@code index}. */
    BitSet receivedFrom(int index) {
        return receivedSeqs == null || receivedSeqs[index] == null ? new BitSet() : (BitSet) receivedSeqs[index].clone();
    }

    /** Exact mode, on the loop: arrivals from publisher {@code index} so far, duplicates included. */
    long receivedCount(int index) {
        return receivedCounts == null ? 0 : receivedCounts[index];
    }

    /** On the loop: messages this publisher has written. */
    long written() {
        return sequence;
    }

    /**
     * Swallows the read requests of a paused client: with auto-read off the transport reads only when asked, and the
     * decoder asks after every batch that produced no message (which is every batch here).
     */
    private static final class ReadGate extends ChannelOutboundHandlerAdapter {
        private boolean closed;

        @Override
        public void read(ChannelHandlerContext ctx) {
            if (!closed) {
                ctx.read();
            }
        }
    }

    /** Sends DISCONNECT and closes; called on the event loop at the end of a run. */
    void disconnect() {
        cancelTimers();
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(Wire.twoBytes(ctx.alloc(), Wire.DISCONNECT)).addListener(f -> ctx.close());
        } else {
            ctx.close();
        }
    }
}
