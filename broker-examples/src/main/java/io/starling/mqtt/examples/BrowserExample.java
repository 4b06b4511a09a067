package io.starling.mqtt.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.starling.mqtt.api.Listener;
import io.starling.mqtt.api.WebSocketSettings;
import io.starling.mqtt.netty.StarlingBroker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A broker for browsers: MQTT over TCP and over WebSocket, and a small web page (with the mqtt.js bundle) that shows
 * the messages on {@code starling/demo/#} as they arrive and publishes what the user types. The WebSocket listener
 * accepts only pages from this example's own origin (docs/websocket.md).
 *
 * <p>{@code java -cp starling-broker.jar io.starling.mqtt.examples.BrowserExample [--http-port N] [--port N]
 * [--ws-port N]}, then open the printed page address. Everything binds to 127.0.0.1.
 */
public final class BrowserExample implements AutoCloseable {
    static final String USAGE = "usage: java -cp starling-broker.jar io.starling.mqtt.examples.BrowserExample "
            + "[--http-port N] [--port N] [--ws-port N]";
    /** The topic filter the page subscribes to. */
    public static final String TOPICS = "starling/demo/#";
    private static final String HOST = "127.0.0.1";

    private final StarlingBroker broker;
    private final HttpServer http;

    private BrowserExample(StarlingBroker broker, HttpServer http) {
        this.broker = broker;
        this.http = http;
    }

    /**
     * Starts the broker and the web server; any port may be 0 (a free one).
     *
     * @param mqttJs the mqtt.js browser bundle the page loads ({@link MqttJsBundle})
     */
    public static BrowserExample start(int httpPort, int mqttPort, int wsPort, Path mqttJs) throws IOException {
        // The web server first: its port makes the one origin the WebSocket listener lets in.
        HttpServer http = HttpServer.create(new InetSocketAddress(HOST, httpPort), 16);
        int pagePort = http.getAddress().getPort();
        List<String> origins = List.of("http://" + HOST + ":" + pagePort, "http://localhost:" + pagePort);
        StarlingBroker broker = StarlingBroker.builder().host(HOST).port(mqttPort).configure(c -> c
                .listener(Listener.webSocket("ws", HOST, wsPort,
                        WebSocketSettings.defaults().withAllowedOrigins(origins)))).start();
        String config = "window.STARLING = {port: " + broker.port("ws") + ", path: \"" + WebSocketSettings.DEFAULT_PATH
                + "\", topics: \"" + TOPICS + "\"};\n";
        http.createContext("/", exchange -> {
            switch (exchange.getRequestURI().getPath()) {
                case "/", "/index.html" -> send(exchange, "text/html; charset=utf-8", resource("browser/index.html"));
                case "/config.js" -> send(exchange, "text/javascript", config.getBytes(StandardCharsets.UTF_8));
                case "/mqtt.min.js" -> send(exchange, "text/javascript", Files.readAllBytes(mqttJs));
                default -> send(exchange, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
            }
        });
        http.start();
        return new BrowserExample(broker, http);
    }

    /** The page's address. */
    public String pageUrl() {
        return "http://" + HOST + ":" + http.getAddress().getPort() + "/";
    }

    /** Where MQTT clients connect over TCP. */
    public String mqttUri() {
        return broker.uri();
    }

    /** Where the page connects: {@code ws://127.0.0.1:PORT/mqtt}. */
    public String webSocketUri() {
        return broker.uri("ws");
    }

    public StarlingBroker broker() {
        return broker;
    }

    @Override
    public void close() {
        http.stop(0);
        broker.close();
    }

    public static void main(String[] args) throws Exception {
        int[] ports = {8080, 1883, 9001};
        for (int i = 0; i < args.length; i++) {
            int which = List.of("--http-port", "--port", "--ws-port").indexOf(args[i]);
            if (which < 0 || i + 1 >= args.length) {
                System.err.println(USAGE);
                System.exit(2);
            }
            ports[which] = Integer.parseInt(args[++i]);
        }
        Path mqttJs = MqttJsBundle.find().orElse(null);
        if (mqttJs == null) {
            System.err.println("mqtt.js not found at " + MqttJsBundle.expectedLocation() + ": "
                    + MqttJsBundle.HOW_TO_GET);
            System.exit(2);
        }
        BrowserExample example = start(ports[0], ports[1], ports[2], mqttJs);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            example.close();
            stopped.countDown();
        }, "browser-example-shutdown"));
        System.out.println("Open " + example.pageUrl() + " (MQTT on " + example.mqttUri() + ", WebSocket "
                + example.webSocketUri() + "; messages on " + TOPICS + ")");
        stopped.await();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = BrowserExample.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("resource " + name + " missing from the class path");
            }
            return in.readAllBytes();
        }
    }

    private static void send(HttpExchange exchange, String type, byte[] body) throws IOException {
        send(exchange, 200, type, body);
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
