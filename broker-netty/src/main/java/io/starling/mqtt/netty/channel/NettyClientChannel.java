package io.starling.mqtt.netty.channel;

import io.netty.channel.Channel;
import io.starling.mqtt.netty.IdleTimeoutHandler;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.spi.ClientChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.Executor;

/**
 * Core's view of a Netty channel. Writes are flushed once per event-loop turn: every packet written while
 * handling one read batch or one batch of deliveries leaves in a single flush.
 */
public final class NettyClientChannel implements ClientChannel {
    private final Channel channel;
    private final IdleTimeoutHandler idleTimeout;
    private final String remoteAddress;
    private final Runnable flushTask = this::flushNow;
    private boolean flushScheduled;

    private final LoopExecutor executor;

    public NettyClientChannel(Channel channel, IdleTimeoutHandler idleTimeout, LoopExecutor executor) {
        this.channel = channel;
        this.executor = executor;
        this.idleTimeout = idleTimeout;
        this.remoteAddress = describe(channel.remoteAddress());
    }

    @Override
    public void write(MqttPacket packet) {
        channel.write(packet, channel.voidPromise());
        if (!flushScheduled) {
            flushScheduled = true;
            channel.eventLoop().execute(flushTask);
        }
    }

    private void flushNow() {
        flushScheduled = false;
        channel.flush();
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void close() {
        flushScheduled = false;
        channel.flush();
        channel.close();
    }

    @Override
    public Executor executor() {
        return executor;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public void pauseReading() {
        channel.config().setAutoRead(false);
    }

    @Override
    public void resumeReading() {
        channel.config().setAutoRead(true);
    }

    @Override
    public void keepAlive(int seconds) {
        idleTimeout.keepAlive(seconds);
    }

    private static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
