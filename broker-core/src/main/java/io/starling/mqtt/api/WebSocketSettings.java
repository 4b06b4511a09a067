package io.starling.mqtt.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How a WebSocket listener accepts the HTTP upgrade (MQTT over WebSocket, section 6 of the standard). Every other
 * limit, the authentication and the authorization are those of any listener. The WebSocket frame size limit is not a
 * setting: it follows {@link BrokerConfig#maxPacketSize()}, so one frame can always hold the largest packet allowed.
 *
 * @param path           the only request path upgraded, for example {@code /mqtt}; other paths get 404
 * @param allowedOrigins browser origins ({@code scheme://host[:port]}) allowed to connect, compared ignoring case;
 *                       empty allows any. A request without an {@code Origin} header (not a browser) is always
 *                       allowed: the check guards against other web pages, not against clients
 * @param trustedProxies addresses (IP literals) of reverse proxies whose {@code X-Forwarded-For} header names the
 *                       client; empty ignores the header and the client is the TCP peer
 */
public record WebSocketSettings(String path, List<String> allowedOrigins, List<String> trustedProxies) {
    /** The path most MQTT clients and brokers use. */
    public static final String DEFAULT_PATH = "/mqtt";

    public WebSocketSettings {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/") || path.contains("?") || path.contains("#") || path.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("WebSocket path must start with '/' and hold no query, fragment or "
                    + "spaces, was '" + path + "'");
        }
        List<String> origins = new ArrayList<>();
        for (String origin : Objects.requireNonNull(allowedOrigins, "allowedOrigins")) {
            origins.add(normalizeOrigin(origin));
        }
        allowedOrigins = List.copyOf(origins);
        for (String proxy : Objects.requireNonNull(trustedProxies, "trustedProxies")) {
            // Literals only: a host name would need a DNS look-up per connection, and DNS is not a trust anchor.
            if (proxy == null || proxy.isEmpty() || !proxy.chars().allMatch(c -> Character.digit(c, 16) >= 0
                    || c == '.' || c == ':')) {
                throw new IllegalArgumentException("trusted proxies must be IP address literals, was '" + proxy + "'");
            }
        }
        trustedProxies = List.copyOf(trustedProxies);
    }

    /** Path {@code /mqtt}, any origin, no trusted proxy. */
    public static WebSocketSettings defaults() {
        return new WebSocketSettings(DEFAULT_PATH, List.of(), List.of());
    }

    public WebSocketSettings withPath(String value) {
        return new WebSocketSettings(value, allowedOrigins, trustedProxies);
    }

    public WebSocketSettings withAllowedOrigins(List<String> value) {
        return new WebSocketSettings(path, value, trustedProxies);
    }

    public WebSocketSettings withTrustedProxies(List<String> value) {
        return new WebSocketSettings(path, allowedOrigins, value);
    }

    /** Whether a browser page from {@code origin} (the request's {@code Origin} header) may connect. */
    public boolean allowsOrigin(String origin) {
        if (allowedOrigins.isEmpty() || origin == null) {
            return true;
        }
        return allowedOrigins.contains(origin.trim().toLowerCase(Locale.ROOT));
    }

    private static String normalizeOrigin(String origin) {
        Objects.requireNonNull(origin, "origin");
        String o = origin.trim().toLowerCase(Locale.ROOT);
        // Browsers send scheme://host[:port] with no path; a trailing slash copied from an address bar would never
        // match, so it is dropped here rather than silently refusing every page.
        if (o.endsWith("/")) {
            o = o.substring(0, o.length() - 1);
        }
        if (!o.startsWith("http://") && !o.startsWith("https://") || o.indexOf('/', o.indexOf("//") + 2) >= 0) {
            throw new IllegalArgumentException("an allowed origin is scheme://host[:port], for example "
                    + "https://example.com, was '" + origin + "'");
        }
        return o;
    }
}
