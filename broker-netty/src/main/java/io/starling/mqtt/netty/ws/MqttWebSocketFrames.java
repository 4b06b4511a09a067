package io.starling.mqtt.netty.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.util.ReferenceCountUtil;
import io.starling.mqtt.netty.channel.NettyClientChannel;
import io.starling.mqtt.netty.channel.TransportFraming;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns WebSocket frames into the byte stream the MQTT frame decoder reads, and outbound MQTT bytes into binary
 * frames. Frame boundaries carry no meaning [MQTT-6.0.0-2]: each binary or continuation frame's payload is passed on
 * as it is, and the one frame decoder behind this handler reassembles packets that span frames and splits frames
 * that hold several packets, exactly as it does with TCP segments. Outbound, one frame carries one flush batch
 * (often several packets). A text frame closes the connection [MQTT-6.0.0-1].
 */
final class MqttWebSocketFrames extends ChannelDuplexHandler implements TransportFraming {
    private static final Logger LOG = LoggerFactory.getLogger(MqttWebSocketFrames.class);

    private final String listenerName;
    /** Set once the connection is refused: frames decoded in the same read are dropped, not handed to MQTT. */
    private boolean refused;

    MqttWebSocketFrames(String listenerName) {
        this.listenerName = listenerName;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
            // The payload's reference goes to the frame decoder; the frame object itself holds nothing else. A
            // continuation here always continues a binary message: a text message was refused at its first frame.
            ctx.fireChannelRead(((WebSocketFrame) msg).content());
        } else if (msg instanceof TextWebSocketFrame) {
            ReferenceCountUtil.release(msg);
            refuse(ctx, "text frame received; MQTT travels in binary frames only [MQTT-6.0.0-1]");
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE,
                    "MQTT needs binary frames")).addListener(ChannelFutureListener.CLOSE);
        } else {
            // Pongs (pings and closes are answered by Netty's protocol handler), or an HTTP request that was not
            // upgraded: nothing MQTT can read.
            boolean http = msg instanceof HttpObject;
            ReferenceCountUtil.release(msg);
            if (http) {
                refuse(ctx, "HTTP request without a WebSocket upgrade");
                ctx.close();
            }
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf bytes) {
            ctx.write(new BinaryWebSocketFrame(bytes), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof HandshakeComplete complete && LOG.isDebugEnabled()) {
            LOG.debug("WebSocket connection from {} on listener {}: upgraded, subprotocol {}", client(ctx),
                    listenerName, complete.selectedSubprotocol());
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException) {
            // Netty's decoder has already sent the close frame (1009 for an oversized frame, 1002 otherwise).
            refuse(ctx, "invalid WebSocket frame: " + cause.getMessage());
            ctx.close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    private void refuse(ChannelHandlerContext ctx, String reason) {
        if (!refused) {
            refused = true;
            LOG.info("WebSocket connection from {} on listener {}: {}; closing", client(ctx), listenerName, reason);
        }
    }

    /** As core names the client: {@code ip:port}, or the address a trusted proxy forwarded. */
    private static String client(ChannelHandlerContext ctx) {
        String forwarded = ctx.channel().attr(NettyClientChannel.CLIENT_ADDRESS).get();
        if (forwarded != null) {
            return forwarded;
        }
        return NettyClientChannel.describe(ctx.channel().remoteAddress());
    }
}
