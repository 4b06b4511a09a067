package io.starling.mqtt.netty.fuzz;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketChannelConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * An {@link EmbeddedChannel} that is also a {@link SocketChannel}, because {@code MqttChannelInitializer} is a
 * {@code ChannelInitializer<SocketChannel>} and casts the channel it initialises. No socket is opened: the
 * addresses are fixed loopback values and the socket options are plain fields.
 */
final class EmbeddedSocketChannel extends EmbeddedChannel implements SocketChannel {
    private static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1883);

    private final EmbeddedSocketConfig config;
    private final InetSocketAddress remote;

    /** Registers the channel, which runs {@code handlers}' {@code handlerAdded} and fires channelActive. */
    EmbeddedSocketChannel(int remotePort, ChannelHandler... handlers) {
        // Not registered by super: handlerAdded (the initializer) may read config(), which is only set below.
        super(null, io.netty.channel.DefaultChannelId.newInstance(), false, false, handlers);
        this.config = new EmbeddedSocketConfig(this);
        this.remote = new InetSocketAddress(InetAddress.getLoopbackAddress(), remotePort);
        try {
            register();
        } catch (Exception e) {
            throw new IllegalStateException("embedded channel did not register", e);
        }
    }

    @Override
    public SocketChannelConfig config() {
        return config;
    }

    @Override
    public ServerSocketChannel parent() {
        return null;
    }

    @Override
    public InetSocketAddress localAddress() {
        return LOCAL;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    // Half-closure is not used by the broker; a shutdown is a close here.

    @Override
    public boolean isInputShutdown() {
        return !isActive();
    }

    @Override
    public ChannelFuture shutdownInput() {
        return close();
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        return close(promise);
    }

    @Override
    public boolean isOutputShutdown() {
        return !isActive();
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return close();
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        return close(promise);
    }

    @Override
    public boolean isShutdown() {
        return !isActive();
    }

    @Override
    public ChannelFuture shutdown() {
        return close();
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        return close(promise);
    }
}
