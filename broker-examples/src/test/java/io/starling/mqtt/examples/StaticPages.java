package io.starling.mqtt.examples;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** Serves the test pages (class path {@code /browser/}) and the mqtt.js bundle on 127.0.0.1, a free port. */
final class StaticPages implements AutoCloseable {
    private final HttpServer server;

    StaticPages(Path mqttJs) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            String type;
            if (path.equals("/mqtt.min.js")) {
                body = Files.readAllBytes(mqttJs);
                type = "text/javascript";
            } else {
                try (InputStream in = StaticPages.class.getResourceAsStream("/browser" + path)) {
                    body = in == null ? null : in.readAllBytes();
                }
                type = "text/html; charset=utf-8";
            }
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    String url(String page) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + page;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
