package io.starling.mqtt.benchmarks.relay;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.starling.mqtt.benchmarks.load.Transport;
import io.starling.mqtt.benchmarks.load.Wire;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling: not a broker, a relay that answers CONNECT and SUBSCRIBE and forwards the bytes of each PUBLISH
 * unchanged to the subscribers of exactly that topic (no wildcards, no sessions, no queues, no retry). It
 * acknowledges QoS 1/2 publishes itself and completes the subscribers' QoS 2 handshakes, so the generator runs
 * against it unchanged. Frames for one subscriber collected during a read go out in one task and one flush; a
 * publisher stops reading while one of its subscribers' connections is not writable.
 *
 * <p>Run: {@code java -cp benchmarks.jar io.starling.mqtt.benchmarks.relay.CeilingRelay [--host H] --port P}.
 */
public final class CeilingRelay implements AutoCloseable {
    private final Map<String, List<Channel>> subscribers = new ConcurrentHashMap<>();
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel server;

    private CeilingRelay(String host, int port, int threads) {
        boss = Transport.group(1, "relay-accept");
        workers = Transport.group(threads, "relay-io");
        server = new ServerBootstrap()
                .group(boss, workers)
                .channel(Transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 512 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new Connection());
                    }
                })
                .bind(host, port).syncUninterruptibly().channel();
    }

    /** Starts a relay on {@code host:port} (0: a free port) with {@code threads} I/O threads (0: Netty's default). */
    public static CeilingRelay start(String host, int port, int threads) {
        return new CeilingRelay(host, port, threads);
    }

    public int port() {
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    public static void main(String[] args) throws InterruptedException {
        String host = "127.0.0.1";
        int port = 1883;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--host" -> host = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("usage: CeilingRelay [--host H] [--port P]");
            }
        }
        CeilingRelay relay = start(host, port, 0);
        Runtime.getRuntime().addShutdownHook(new Thread(relay::close, "relay-shutdown"));
        System.out.println("ceiling relay listening on " + host + ":" + relay.port() + " (" + Transport.name() + ")");
        relay.server.closeFuture().sync();
    }

    /** One client connection; everything here runs on its event loop. */
    private final class Connection extends ByteToMessageDecoder {
        private final Map<Channel, List<ByteBuf>> outgoing = new IdentityHashMap<>();
        private final List<Channel> paused = new CopyOnWriteArrayList<>();
        private final List<String> topics = new ArrayList<>();
        private ByteBuf replies;
        private byte[] lastTopic = new byte[0];
        private List<Channel> lastTargets = List.of();

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            long frame;
            while ((frame = Wire.frame(in)) != Wire.INCOMPLETE) {
                int start = in.readerIndex();
                int length = (int) (frame >>> 32) + (int) frame;
                int body = start + (int) (frame >>> 32);
                int first = in.getUnsignedByte(start);
                switch (first >>> 4) {
                    case Wire.PUBLISH -> publish(ctx, in, first, start, body, length);
                    case Wire.PUBREL -> reply(ctx, Wire.PUBCOMP, in.getUnsignedShort(body));
                    case Wire.PUBREC -> reply(ctx, Wire.PUBREL, in.getUnsignedShort(body));
                    case Wire.PUBACK, Wire.PUBCOMP, Wire.PINGRESP -> { }
                    case Wire.CONNECT -> replyBytes(ctx, Wire.CONNACK << 4, 2, 0, 0);
                    case Wire.SUBSCRIBE -> subscribe(ctx, in, body, (int) frame);
                    case Wire.PINGREQ -> replyBytes(ctx, Wire.PINGRESP << 4, 0);
                    default -> ctx.close();
                }
                in.readerIndex(start + length);
            }
        }

        private void publish(ChannelHandlerContext ctx, ByteBuf in, int first, int start, int body, int length) {
            int qos = (first >>> 1) & 3;
            int topicLength = in.getUnsignedShort(body);
            List<Channel> targets = targets(in, body + 2, topicLength);
            for (Channel target : targets) {
                outgoing.computeIfAbsent(target, t -> new ArrayList<>()).add(in.retainedSlice(start, length));
            }
            if (qos > 0) {
                reply(ctx, qos == 1 ? Wire.PUBACK : Wire.PUBREC, in.getUnsignedShort(body + 2 + topicLength));
            }
        }

        /** The subscribers of the topic at {@code offset}; the last topic's answer is reused while it repeats. */
        private List<Channel> targets(ByteBuf in, int offset, int length) {
            boolean same = length == lastTopic.length;
            for (int i = 0; same && i < length; i++) {
                same = in.getByte(offset + i) == lastTopic[i];
            }
            if (!same) {
                lastTopic = new byte[length];
                in.getBytes(offset, lastTopic);
                // the live list: subscribers that come later are seen without a new lookup
                lastTargets = subscribers.computeIfAbsent(new String(lastTopic, StandardCharsets.UTF_8),
                        t -> new CopyOnWriteArrayList<>());
            }
            return lastTargets;
        }

        private void subscribe(ChannelHandlerContext ctx, ByteBuf in, int body, int remaining) {
            int packetId = in.getUnsignedShort(body);
            int pos = body + 2;
            int end = body + remaining;
            ByteBuf suback = ctx.alloc().ioBuffer(16);
            List<Integer> granted = new ArrayList<>();
            while (pos < end) {
                int len = in.getUnsignedShort(pos);
                String filter = in.toString(pos + 2, len, StandardCharsets.UTF_8);
                granted.add((int) in.getUnsignedByte(pos + 2 + len));
                pos += 2 + len + 1;
                subscribers.computeIfAbsent(filter, f -> new CopyOnWriteArrayList<>()).add(ctx.channel());
                topics.add(filter);
            }
            suback.writeByte(Wire.SUBACK << 4);
            Wire.writeVarInt(suback, 2 + granted.size());
            suback.writeShort(packetId);
            granted.forEach(suback::writeByte);
            ctx.write(suback, ctx.voidPromise());
        }

        private void reply(ChannelHandlerContext ctx, int type, int packetId) {
            if (replies == null) {
                replies = ctx.alloc().ioBuffer(256);
            }
            Wire.writeAck(replies, type, packetId);
        }

        private void replyBytes(ChannelHandlerContext ctx, int... bytes) {
            ByteBuf b = ctx.alloc().ioBuffer(bytes.length);
            for (int x : bytes) {
                b.writeByte(x);
            }
            ctx.write(b, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
            if (replies != null) {
                ctx.write(replies, ctx.voidPromise());
                replies = null;
            }
            ctx.flush();
            Channel self = ctx.channel();
            for (Map.Entry<Channel, List<ByteBuf>> e : outgoing.entrySet()) {
                Channel target = e.getKey();
                List<ByteBuf> frames = e.getValue();
                if (target.eventLoop().inEventLoop()) {
                    writeAll(target, frames);
                } else {
                    target.eventLoop().execute(() -> writeAll(target, frames));
                }
                if (!target.isWritable()) {
                    Connection other = target.pipeline().get(Connection.class);
                    if (other != null) {
                        self.config().setAutoRead(false);
                        other.paused.add(self);
                        if (target.isWritable()) { // it drained meanwhile: do not wait for a change that happened
                            resume(other);
                        }
                    }
                }
            }
            outgoing.clear();
            super.channelReadComplete(ctx);
        }

        private void writeAll(Channel target, List<ByteBuf> frames) {
            if (!target.isActive()) {
                frames.forEach(ByteBuf::release);
                return;
            }
            for (ByteBuf f : frames) {
                target.write(f, target.voidPromise());
            }
            target.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            if (ctx.channel().isWritable()) {
                resume(this);
            }
            super.channelWritabilityChanged(ctx);
        }

        private void resume(Connection target) {
            for (Channel source : target.paused) {
                target.paused.remove(source);
                source.eventLoop().execute(() -> source.config().setAutoRead(true));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            for (String topic : topics) {
                List<Channel> list = subscribers.get(topic);
                if (list != null) {
                    list.remove(ctx.channel());
                }
            }
            resume(this);
            if (replies != null) {
                replies.release();
                replies = null;
            }
            outgoing.values().forEach(l -> l.forEach(ByteBuf::release));
            outgoing.clear();
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
