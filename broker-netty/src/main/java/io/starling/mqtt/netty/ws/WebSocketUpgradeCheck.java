package io.starling.mqtt.netty.ws;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.starling.mqtt.api.WebSocketSettings;
import io.starling.mqtt.netty.channel.NettyClientChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the HTTP upgrade request before Netty's handshake answers it: the path, that it is a WebSocket upgrade, the
 * browser origin and the MQTT subprotocol. A refused request gets an HTTP error, one log line with the reason, and
 * the connection is closed. An accepted one goes on to the handshake; this handler then leaves the pipeline.
 */
final class WebSocketUpgradeCheck extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketUpgradeCheck.class);
    private static final Set<String> MQTT_SUBPROTOCOLS = Set.of(WebSocketPipeline.SUBPROTOCOLS.split(","));

    private final String listenerName;
    private final WebSocketSettings settings;
    /** Trusted proxies as parsed addresses, so that {@code ::1} and {@code 0:0:0:0:0:0:0:1} are the same proxy. */
    private final Set<InetAddress> trustedProxies;

    /** @param trustedProxies {@link #parse parsed} once per listener from {@code settings} */
    WebSocketUpgradeCheck(String listenerName, WebSocketSettings settings, Set<InetAddress> trustedProxies) {
        this.listenerName = listenerName;
        this.settings = settings;
        this.trustedProxies = trustedProxies;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!ctx.channel().isActive()) {
            // The HTTP decoder hands over a half-read request when the connection closes (the CONNECT timeout, or
            // the client went away): whoever closed it has said why.
            ReferenceCountUtil.release(request);
            return;
        }
        Refusal refusal = check(request);
        if (refusal != null) {
            try {
                refuse(ctx, request, refusal);
            } finally {
                ReferenceCountUtil.release(request);
            }
            return;
        }
        String client = clientAddress(ctx.channel().remoteAddress(), request.headers());
        if (client != null) {
            ctx.channel().attr(NettyClientChannel.CLIENT_ADDRESS).set(client);
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("WebSocket upgrade from {}{} on listener {}: {}", ctx.channel().remoteAddress(),
                    client != null ? " for " + client : "", listenerName, request.uri());
        }
        // Netty's handshake handler answers 101 and reshapes the pipeline; this check is done for good.
        ctx.fireChannelRead(request);
        ctx.pipeline().remove(this);
    }

    private record Refusal(HttpResponseStatus status, String reason) {}

    private Refusal check(FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            // Headers or request line over the bounds, or not HTTP at all (an MQTT client on the wrong port).
            return new Refusal(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request: "
                    + request.decoderResult().cause());
        }
        String uri = request.uri();
        int query = uri.indexOf('?');
        String path = query >= 0 ? uri.substring(0, query) : uri;
        if (!path.equals(settings.path())) {
            return new Refusal(HttpResponseStatus.NOT_FOUND, "path " + abbreviate(path) + " is not the MQTT path "
                    + settings.path());
        }
        HttpHeaders headers = request.headers();
        if (!HttpMethod.GET.equals(request.method())
                || !headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                || !headers.contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                || !headers.contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)) {
            return new Refusal(HttpResponseStatus.BAD_REQUEST, "not a WebSocket upgrade request (needs GET with "
                    + "Upgrade: websocket, Connection: Upgrade and Sec-WebSocket-Key; was " + request.method() + ")");
        }
        // Version 13 sends Origin; the older drafts Netty still speaks sent Sec-WebSocket-Origin.
        String origin = headers.get(HttpHeaderNames.ORIGIN, headers.get(HttpHeaderNames.SEC_WEBSOCKET_ORIGIN));
        if (!settings.allowsOrigin(origin)) {
            return new Refusal(HttpResponseStatus.FORBIDDEN, "origin " + abbreviate(origin) + " is not allowed");
        }
        if (!offersMqtt(headers)) {
            // [MQTT-6.0.0-4] leaves this open; refusing tells a misconfigured client at once, instead of an MQTT
            // conversation with a peer that may not speak it.
            return new Refusal(HttpResponseStatus.BAD_REQUEST, "no MQTT subprotocol offered (Sec-WebSocket-Protocol: "
                    + abbreviate(headers.get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) + "; expected mqtt or mqttv3.1)");
        }
        return null;
    }

    private static boolean offersMqtt(HttpHeaders headers) {
        for (String value : headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
            for (String token : value.split(",")) {
                if (MQTT_SUBPROTOCOLS.contains(token.trim())) {
                    return true;
                }
            }
        }
        return false;
    }

    private void refuse(ChannelHandlerContext ctx, FullHttpRequest request, Refusal refusal) {
        LOG.info("WebSocket upgrade from {} on listener {} refused ({} {}): {}",
                NettyClientChannel.describe(ctx.channel().remoteAddress()), listenerName, refusal.status().code(),
                refusal.status().reasonPhrase(), refusal.reason());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, refusal.status(),
                Unpooled.copiedBuffer(refusal.reason() + "\n", StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (refusal.status() == HttpResponseStatus.BAD_REQUEST && request.decoderResult().isSuccess()
                && request.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)) {
            // Tells a WebSocket client which subprotocols would have worked.
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, WebSocketPipeline.SUBPROTOCOLS);
        }
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * The client a trusted proxy names, as {@code ip:0} (a proxy does not pass the client's port), or null to keep
     * the TCP peer. Walks {@code X-Forwarded-For} from the right, past every trusted proxy: the first other address
     * is the one the last trusted proxy saw, and the only one that cannot be forged by the client.
     */
    String clientAddress(SocketAddress peer, HttpHeaders headers) {
        if (trustedProxies.isEmpty() || !(peer instanceof InetSocketAddress inet)
                || !trustedProxies.contains(inet.getAddress())) {
            return null;
        }
        List<String> values = headers.getAll("X-Forwarded-For");
        if (values.isEmpty()) {
            return null;
        }
        String[] hops = String.join(",", values).split(",");
        InetAddress client = null;
        for (int i = hops.length - 1; i >= 0; i--) {
            InetAddress hop = literal(hops[i]);
            if (hop == null) {
                // Not an address ("unknown", a host name, garbage): nothing further left can be trusted.
                break;
            }
            client = hop;
            if (!trustedProxies.contains(hop)) {
                break;
            }
        }
        return client == null ? null : client.getHostAddress() + ":0";
    }

    /** An IP literal, with an optional port or IPv6 brackets stripped; never a DNS look-up. */
    private static InetAddress literal(String text) {
        String t = text.trim();
        if (t.startsWith("[")) {
            int end = t.indexOf(']');
            t = end > 0 ? t.substring(1, end) : t;
        } else if (t.indexOf(':') > 0 && t.indexOf(':') == t.lastIndexOf(':')) {
            t = t.substring(0, t.indexOf(':'));
        }
        return NetUtil.createInetAddressFromIpAddressString(t);
    }

    static Set<InetAddress> parse(List<String> proxies) {
        Set<InetAddress> parsed = new HashSet<>();
        for (String proxy : proxies) {
            InetAddress address = NetUtil.createInetAddressFromIpAddressString(proxy);
            if (address == null) {
                throw new IllegalArgumentException("trusted proxy '" + proxy + "' is not an IP address");
            }
            parsed.add(address);
        }
        return Set.copyOf(parsed);
    }

    /** Request text in a log line: bounded, and without control characters that could forge log lines. */
    private static String abbreviate(String text) {
        if (text == null) {
            return "(none)";
        }
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
    }
}
