package io.starling.mqtt.netty.ws;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.WebSocketSettings;
import java.net.InetAddress;
import java.util.Set;

/**
 * The WebSocket part of one listener's pipeline, between the TLS handler (if any) and the MQTT frame decoder; one
 * instance per listener, its settings checked and prepared once. Netty's handshake replaces the HTTP codec by the
 * WebSocket frame encoder and decoder once the upgrade succeeds, and the upgrade check leaves; the other handlers
 * added here stay for the connection's life.
 */
public final class WebSocketPipeline {
    public static final String HTTP_CODEC = "http-codec";
    public static final String HTTP_AGGREGATOR = "http-aggregator";
    public static final String UPGRADE_CHECK = "ws-upgrade-check";
    public static final String WS_PROTOCOL = "ws-protocol";
    public static final String WS_FRAMES = "ws-mqtt-frames";

    /** The subprotocols offered to clients, in order of preference [MQTT-6.0.0-4]; 3.1 clients ask for the second. */
    public static final String SUBPROTOCOLS = "mqtt,mqttv3.1";

    /** Longest request line; an upgrade request's is the path and a few words. */
    private static final int MAX_INITIAL_LINE = 4096;
    /** All request headers together: browsers send cookies too, so this is generous but still bounded. */
    private static final int MAX_HEADER_SIZE = 8192;
    /** An upgrade request has no body; anything larger than this is not one. */
    private static final int MAX_REQUEST_BODY = 1024;
    /** A fixed header is at most 5 bytes: one frame always fits the largest packet the broker accepts. */
    private static final int MAX_FIXED_HEADER = 5;

    private final String listenerName;
    private final WebSocketSettings settings;
    private final Set<InetAddress> trustedProxies;
    private final WebSocketServerProtocolConfig protocol;

    public WebSocketPipeline(BrokerConfig config, String listenerName, WebSocketSettings settings) {
        this.listenerName = listenerName;
        this.settings = settings;
        this.trustedProxies = WebSocketUpgradeCheck.parse(settings.trustedProxies());
        WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
                // Netty's decoder buffers a frame whole; bounding frames by the packet limit keeps what a WebSocket
                // client can make the broker hold the same as over TCP.
                .maxFramePayloadLength(maxFramePayload(config))
                .expectMaskedFrames(true)
                // No permessage-deflate: compression bombs and per-connection inflater memory are not worth it for
                // MQTT's small packets.
                .allowExtensions(false)
                // Text frames are refused anyway [MQTT-6.0.0-1]; validating their UTF-8 first would only change the
                // close reason.
                .withUTF8Validator(false)
                .closeOnProtocolViolation(true)
                .build();
        this.protocol = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(settings.path())
                .subprotocols(SUBPROTOCOLS)
                // The upgrade check compared the path exactly; starts-with here lets a query string through.
                .checkStartsWith(true)
                // The CONNECT timeout, running since the TCP connect, already bounds the upgrade; this is a backstop.
                .handshakeTimeoutMillis(Math.max(1, config.connectTimeout().toMillis()))
                .handleCloseFrames(true)
                // A broker-side close is a plain TCP close, as on the other listeners: MQTT 3.1.1 has no reason to
                // tell, and a "normal closure" frame would misstate a protocol violation.
                .sendCloseFrame(null)
                .dropPongFrames(true)
                .decoderConfig(decoder)
                .build();
    }

    /** The largest WebSocket frame payload a client may send: one packet of the broker's maximum size. */
    public static int maxFramePayload(BrokerConfig config) {
        return config.maxPacketSize() + MAX_FIXED_HEADER;
    }

    /** Adds the HTTP and WebSocket handlers for a new connection at the end of {@code p}. */
    public void addTo(ChannelPipeline p) {
        p.addLast(HTTP_CODEC, new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_HEADER_SIZE));
        p.addLast(HTTP_AGGREGATOR, new HttpObjectAggregator(MAX_REQUEST_BODY));
        p.addLast(UPGRADE_CHECK, new WebSocketUpgradeCheck(listenerName, settings, trustedProxies));
        p.addLast(WS_PROTOCOL, new WebSocketServerProtocolHandler(protocol));
        p.addLast(WS_FRAMES, new MqttWebSocketFrames(listenerName));
    }
}
