package io.starling.mqtt.netty.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.starling.mqtt.netty.MqttChannelInitializer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One client connection to the broker without a socket: the broker's real pipeline, built by
 * {@link MqttChannelInitializer}, on an {@link EmbeddedSocketChannel}, plus a last handler that records any
 * exception reaching the end of the pipeline. The test plays the client: it writes bytes in and collects the
 * bytes the broker writes out.
 */
final class PipelineClient {
    private final String name;
    private final EmbeddedSocketChannel channel;
    private final List<Throwable> unhandled = new ArrayList<>();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    PipelineClient(String name, int remotePort, MqttChannelInitializer initializer, TrackingAllocator alloc) {
        this.name = name;
        this.channel = new EmbeddedSocketChannel(remotePort, initializer);
        // Before any read: the frame decoder's cumulation and the broker's batch buffers come from here.
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast("fuzz-tail", new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                unhandled.add(cause);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                unhandled.add(new AssertionError("a message passed the inbound handler: " + msg));
            }
        });
    }

    String name() {
        return name;
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    /** Delivers {@code bytes} as one read, as TCP may; a closed connection takes nothing, as a closed socket. */
    void write(byte[] bytes, TrackingAllocator alloc) {
        if (channel.isOpen()) {
            channel.writeInbound(alloc.copyOf(bytes));
        }
    }

    /** The peer goes away (FIN or RST: the broker sees channelInactive either way). */
    void close() {
        channel.close();
    }

    /** Moves this connection's event-loop clock past {@code nanos}, running the timers that fall due. */
    void advanceTime(long nanos) {
        channel.advanceTimeBy(nanos, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
    }

    /** Runs queued tasks once; true when there were any. */
    boolean runPendingTasks() {
        if (!channel.hasPendingTasks()) {
            return false;
        }
        channel.runPendingTasks();
        return true;
    }

    /** Moves what the broker wrote into {@link #received}, releasing each buffer. */
    void collectOutbound() {
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            if (!(msg instanceof ByteBuf buf)) {
                throw new AssertionError(name + ": the broker wrote a " + msg.getClass().getName() + ", not bytes");
            }
            try {
                received.writeBytes(ByteBufUtil.getBytes(buf));
            } finally {
                buf.release();
            }
        }
    }

    byte[] received() {
        return received.toByteArray();
    }

    /** Fails when an exception reached the end of the pipeline or Netty recorded one. */
    void assertNothingUnhandled() {
        channel.checkException();
        if (!unhandled.isEmpty()) {
            AssertionError failure = new AssertionError(name + ": " + unhandled.size()
                    + " exception(s) reached the end of the pipeline: " + unhandled);
            failure.initCause(unhandled.get(0));
            throw failure;
        }
    }

    /** Closes the connection if still open and releases everything left in the channel's queues. */
    void finish() {
        channel.finishAndReleaseAll();
    }
}
