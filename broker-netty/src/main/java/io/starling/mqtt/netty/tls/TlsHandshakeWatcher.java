package io.starling.mqtt.netty.tls;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right after the TLS handler. A failed handshake (wrong protocol version, no or an untrusted client
 * certificate, plain MQTT sent to a TLS port, a peer that never finishes) becomes one DEBUG line and one count;
 * the TLS error itself is absorbed here, so it never reaches the MQTT handler as an "unexpected error" with a stack
 * trace. The TLS handler has already closed the connection (or is sending the alert that ends it).
 */
@ChannelHandler.Sharable
public final class TlsHandshakeWatcher extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeWatcher.class);

    private final String listener;
    private final Runnable failures;

    TlsHandshakeWatcher(String listener, Runnable failures) {
        this.listener = listener;
        this.failures = failures;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
            failures.run();
            if (LOG.isDebugEnabled()) {
                LOG.debug("connection from {} on listener {}: TLS handshake failed: {}", ctx.channel().remoteAddress(),
                        listener, reason(done.cause()));
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (isTls(cause)) {
            // During the handshake the completion event above has already said it; afterwards (a broken or
            // forged record) this is the one line.
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            if (tls != null && tls.handshakeFuture().isSuccess()) {
                LOG.debug("connection from {} on listener {}: TLS error: {}", ctx.channel().remoteAddress(), listener,
                        reason(cause));
            }
            ctx.close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    private static boolean isTls(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException || t instanceof NotSslRecordException) {
                return true;
            }
        }
        return false;
    }

    /** Short and free of the peer's bytes: Netty's "not an SSL/TLS record" message dumps the whole record. */
    static String reason(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof NotSslRecordException)) {
            root = root.getCause();
        }
        if (root instanceof NotSslRecordException) {
            return "not a TLS record (a plain-text client on the TLS port?)";
        }
        if (root instanceof SslHandshakeTimeoutException) {
            return "no handshake within the CONNECT timeout";
        }
        if (root instanceof ClosedChannelException) {
            return "connection closed before the handshake completed";
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": "
                + (message.length() > 200 ? message.substring(0, 200) + "..." : message));
    }
}
