package io.starling.mqtt.examples;

import io.starling.mqtt.api.Authenticator;
import io.starling.mqtt.api.Authorizer;
import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.Interceptor;
import io.starling.mqtt.api.Listener;
import io.starling.mqtt.api.TlsSettings;
import io.starling.mqtt.auth.AclFileAuthorizer;
import io.starling.mqtt.auth.PasswordFileAuthenticator;
import io.starling.mqtt.api.QueueOverflowPolicy;
import io.starling.mqtt.api.UnauthorizedPublishPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Reads the standalone broker's configuration file: one {@code key = value} per line, {@code #} starts a comment.
 * Unknown keys, bad values and repeated keys fail with the file, the line and the reason.
 */
final class ConfigFile {
    /** Each key and how it sets the builder; docs/configuration.md lists the same keys. */
    private static final Map<String, BiConsumer<BrokerConfig.Builder, String>> KEYS = Map.ofEntries(
            Map.entry("host", BrokerConfig.Builder::host),
            Map.entry("port", (b, v) -> b.port(integer(v))),
            Map.entry("max_packet_size", (b, v) -> b.maxPacketSize(integer(v))),
            Map.entry("max_client_id_length", (b, v) -> b.maxClientIdLength(integer(v))),
            Map.entry("allow_zero_length_client_id", (b, v) -> b.allowZeroLengthClientId(bool(v))),
            Map.entry("connect_timeout_seconds", (b, v) -> b.connectTimeout(Duration.ofSeconds(integer(v)))),
            Map.entry("max_inflight_messages", (b, v) -> b.maxInflight(integer(v))),
            Map.entry("max_queued_messages", (b, v) -> b.maxQueuedMessages(integer(v))),
            Map.entry("queue_overflow_policy", (b, v) -> b.queueOverflowPolicy(enumValue(QueueOverflowPolicy.class, v))),
            Map.entry("queue_qos0_when_offline", (b, v) -> b.queueQos0WhenOffline(bool(v))),
            Map.entry("wildcard_subscriptions", (b, v) -> b.wildcardSubscriptions(bool(v))),
            Map.entry("native_transport", (b, v) -> b.nativeTransport(bool(v))),
            Map.entry("io_threads", (b, v) -> b.ioThreads(integer(v))),
            Map.entry("sys_interval_seconds", (b, v) -> b.sysInterval(Duration.ofSeconds(integer(v)))),
            Map.entry("unauthorized_publish_policy",
                    (b, v) -> b.unauthorizedPublishPolicy(enumValue(UnauthorizedPublishPolicy.class, v))),
            Map.entry("interceptor_timeout_ms", (b, v) -> b.interceptorTimeout(Duration.ofMillis(integer(v)))),
            Map.entry("tcp_listener", (b, v) -> b.tcpListener(bool(v))),
            Map.entry("allow_anonymous", (b, v) -> b.allowAnonymous(bool(v))),
            Map.entry("max_connections", (b, v) -> b.maxConnections(integer(v))),
            Map.entry("max_topic_length", (b, v) -> b.maxTopicLength(integer(v))),
            Map.entry("max_topic_levels", (b, v) -> b.maxTopicLevels(integer(v))),
            Map.entry("max_subscriptions_per_client", (b, v) -> b.maxSubscriptionsPerClient(integer(v))),
            Map.entry("max_queued_bytes", (b, v) -> b.maxQueuedBytes(longValue(v))),
            Map.entry("auth_failure_threshold", (b, v) -> b.authFailureThreshold(integer(v))),
            Map.entry("auth_failure_delay_ms", (b, v) -> b.authFailureDelay(Duration.ofMillis(integer(v)))),
            Map.entry("acl_file", (b, v) -> b.authorizer(aclFile(v))),
            Map.entry("max_inbound_messages_per_second", (b, v) -> b.updateFlowControl(
                    f -> f.withClientLimits(decimal(v), f.clientBytesPerSecond()))),
            Map.entry("max_inbound_bytes_per_second", (b, v) -> b.updateFlowControl(
                    f -> f.withClientLimits(f.clientMessagesPerSecond(), longValue(v)))),
            Map.entry("listener_max_inbound_messages_per_second", (b, v) -> b.updateFlowControl(
                    f -> f.withListenerLimits(decimal(v), f.listenerBytesPerSecond()))),
            Map.entry("listener_max_inbound_bytes_per_second", (b, v) -> b.updateFlowControl(
                    f -> f.withListenerLimits(f.listenerMessagesPerSecond(), longValue(v)))),
            Map.entry("inbound_burst_ms", (b, v) -> b.updateFlowControl(
                    f -> f.withBurst(Duration.ofMillis(integer(v))))),
            Map.entry("overload_protection", (b, v) -> b.updateFlowControl(f -> f.withOverloadProtection(bool(v)))),
            Map.entry("overload_loop_lag_ms", (b, v) -> b.updateFlowControl(f -> f.withOverloadThresholds(
                    Duration.ofMillis(integer(v)), f.heapThreshold(), f.queuedBytesThreshold(),
                    f.outboundBytesThreshold()))),
            Map.entry("overload_heap_fraction", (b, v) -> b.updateFlowControl(f -> f.withOverloadThresholds(
                    f.loopLagThreshold(), decimal(v), f.queuedBytesThreshold(), f.outboundBytesThreshold()))),
            Map.entry("overload_queued_bytes", (b, v) -> b.updateFlowControl(f -> f.withOverloadThresholds(
                    f.loopLagThreshold(), f.heapThreshold(), longValue(v), f.outboundBytesThreshold()))),
            Map.entry("overload_network_buffer_bytes", (b, v) -> b.updateFlowControl(f -> f.withOverloadThresholds(
                    f.loopLagThreshold(), f.heapThreshold(), f.queuedBytesThreshold(), longValue(v)))),
            Map.entry("overload_loop_busy_fraction", (b, v) -> b.updateFlowControl(
                    f -> f.withLoopBusyThreshold(decimal(v)))),
            Map.entry("overload_light_client_rate", (b, v) -> b.updateFlowControl(
                    f -> f.withLightClientRate(decimal(v)))),
            Map.entry("outbound_buffer_bytes", (b, v) -> b.updateFlowControl(
                    f -> f.withOutboundBufferBytes(integer(v)))),
            // The builder's code-valued settings, by class name: a public class with a public no-argument
            // constructor on the class path (for example a jar added with java -cp).
            Map.entry("authenticator_class", (b, v) -> b.authenticator(instance(v, Authenticator.class))),
            Map.entry("password_file", (b, v) -> b.authenticator(passwordFile(v))),
            Map.entry("authorizer_class", (b, v) -> b.authorizer(instance(v, Authorizer.class))),
            Map.entry("interceptor_classes", (b, v) -> {
                for (String name : v.split(",")) {
                    b.interceptor(instance(name.strip(), Interceptor.class));
                }
            }));

    /**
     * The TLS listener's keys: collected while reading, then turned into one listener named {@code tls} once the
     * whole file is read, since its settings only make sense together.
     */
    static final Set<String> TLS_KEYS = Set.of("tls_host", "tls_port", "tls_certfile", "tls_keyfile",
            "tls_keyfile_password", "tls_keystore", "tls_keystore_password", "tls_cafile", "tls_truststore",
            "tls_truststore_password", "tls_client_auth", "tls_identity", "tls_protocols", "tls_ciphers",
            "tls_provider");

    /**
     * The WebSocket listeners' keys: they set {@link WebSocketOptions}; the listeners are added once the host is
     * final. {@code wss_port} takes its certificate from the {@code tls_*} keys.
     */
    static final Set<String> WS_KEYS = Set.of("ws_host", "ws_port", "wss_port", "ws_path", "ws_allowed_origins",
            "ws_trusted_proxies");

    /** The session store's keys: they set {@link StoreSettings}, not the broker's configuration. */
    private static final Map<String, BiConsumer<StoreSettings, String>> STORE_KEYS = Map.of(
            "data_dir", (st, v) -> st.directory = Path.of(v),
            "in_memory", (st, v) -> st.inMemory = bool(v),
            "durability", (st, v) -> {
                st.durability = v.toLowerCase(Locale.ROOT);
                st.durability();
            },
            "sync_interval_ms", (st, v) -> {
                int ms = integer(v);
                if (ms <= 0) {
                    throw new IllegalArgumentException("sync_interval_ms must be positive, was " + ms);
                }
                st.syncInterval = Duration.ofMillis(ms);
            });

    private ConfigFile() {}

    /** Every key the file accepts, sorted. */
    static List<String> knownKeys() {
        java.util.TreeSet<String> all = new java.util.TreeSet<>(KEYS.keySet());
        all.addAll(TLS_KEYS);
        all.addAll(WS_KEYS);
        all.addAll(STORE_KEYS.keySet());
        return List.copyOf(all);
    }

    /** Applies every setting of {@code file} to {@code builder}; throws {@link LaunchException} on the first error. */
    static void apply(Path file, BrokerConfig.Builder builder) {
        apply(file, builder, new StoreSettings());
    }

    /**
     * As {@link #apply(Path, BrokerConfig.Builder)}, with the session store's keys going to {@code store}; the
     * WebSocket listeners are added on the file's host.
     */
    static void apply(Path file, BrokerConfig.Builder builder, StoreSettings store) {
        WebSocketOptions web = new WebSocketOptions();
        apply(file, builder, store, web);
        web.addListeners(builder, builder.build().host());
    }

    /**
     * As {@link #apply(Path, BrokerConfig.Builder, StoreSettings)}, with the WebSocket keys going to {@code web} for
     * the caller to add once the host is final.
     */
    static void apply(Path file, BrokerConfig.Builder builder, StoreSettings store, WebSocketOptions web) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LaunchException("cannot read config file " + file + ": " + e.getMessage());
        }
        Set<String> seen = new HashSet<>();
        Map<String, String[]> tls = new java.util.HashMap<>();
        Map<String, String[]> ws = new java.util.HashMap<>();
        List<String[]> settings = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1);
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new LaunchException(where + ": expected 'key = value', found '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (!KEYS.containsKey(key) && !TLS_KEYS.contains(key) && !WS_KEYS.contains(key)
                    && !STORE_KEYS.containsKey(key)) {
                throw new LaunchException(where + ": unknown key '" + key + "' (known: " + String.join(", ", knownKeys()) + ")");
            }
            if (!seen.add(key)) {
                throw new LaunchException(where + ": '" + key + "' is set twice");
            }
            if (TLS_KEYS.contains(key)) {
                tls.put(key, new String[] {value, where});
            } else if (WS_KEYS.contains(key)) {
                ws.put(key, new String[] {value, where});
            } else if (STORE_KEYS.containsKey(key)) {
                try {
                    STORE_KEYS.get(key).accept(store, value);
                } catch (IllegalArgumentException e) {
                    throw new LaunchException(where + ": bad value for '" + key + "': " + e.getMessage());
                }
            } else {
                settings.add(new String[] {key, value, where});
            }
        }
        // The TLS listener first: the checks after each line below then see every listener the file asks for
        // (a file may switch the plain listener off and leave only TLS).
        TlsSettings tlsSettings = null;
        if (!tls.isEmpty()) {
            String host = settings.stream().filter(e -> e[0].equals("host")).map(e -> e[1]).findFirst()
                    .orElse(builder.build().host());
            tlsSettings = applyTls(file, tls, ws.containsKey("wss_port"), host, builder);
        }
        applyWebSocket(file, ws, tlsSettings, web);
        for (String[] setting : settings) {
            try {
                KEYS.get(setting[0]).accept(builder, setting[1]);
                // Range checks live in build(): run them now so an error names this line.
                builder.build();
            } catch (IllegalArgumentException e) {
                throw new LaunchException(setting[2] + ": bad value for '" + setting[0] + "': " + e.getMessage());
            }
        }
    }

    /** Adds the TLS listener if {@code tls_port} is set; returns the settings (for {@code wss_port} too). */
    private static TlsSettings applyTls(Path file, Map<String, String[]> keys, boolean secureWebSocket,
                                        String defaultHost, BrokerConfig.Builder builder) {
        if (!keys.containsKey("tls_port") && !secureWebSocket) {
            throw new LaunchException(file + ": TLS settings (" + String.join(", ", keys.keySet().stream().sorted()
                    .toList()) + ") need tls_port or wss_port");
        }
        String current = keys.containsKey("tls_port") ? "tls_port" : keys.keySet().stream().sorted().findFirst()
                .orElseThrow();
        try {
            TlsSettings.Builder tls = TlsSettings.builder();
            int port = 0;
            String host = null;
            for (var entry : new java.util.TreeMap<>(keys).entrySet()) {
                current = entry.getKey();
                String v = entry.getValue()[0];
                switch (current) {
                    case "tls_host" -> host = v;
                    case "tls_port" -> port = integer(v);
                    case "tls_certfile" -> tls.certificateChain(Path.of(v));
                    case "tls_keyfile" -> tls.privateKey(Path.of(v));
                    case "tls_keyfile_password" -> tls.privateKeyPassword(v);
                    case "tls_keystore" -> tls.keyStore(Path.of(v));
                    case "tls_keystore_password" -> tls.keyStorePassword(v);
                    case "tls_cafile" -> tls.trustCertificates(Path.of(v));
                    case "tls_truststore" -> tls.trustStore(Path.of(v),
                            keys.containsKey("tls_truststore_password") ? keys.get("tls_truststore_password")[0] : null);
                    case "tls_truststore_password" -> { }
                    case "tls_client_auth" -> tls.clientAuth(enumValue(TlsSettings.ClientAuth.class, v));
                    case "tls_identity" -> tls.identity(enumValue(TlsSettings.CertificateIdentity.class, v));
                    case "tls_protocols" -> tls.protocols(list(v));
                    case "tls_ciphers" -> tls.cipherSuites(list(v));
                    case "tls_provider" -> tls.provider(enumValue(TlsSettings.Provider.class, v));
                    default -> throw new IllegalStateException(current);
                }
            }
            current = keys.containsKey("tls_port") ? "tls_port" : current;
            TlsSettings settings = tls.build();
            if (keys.containsKey("tls_port")) {
                builder.listener(Listener.tls("tls", host != null ? host : defaultHost, port, settings));
            }
            return settings;
        } catch (IllegalArgumentException e) {
            String where = keys.containsKey(current) ? keys.get(current)[1] : file.toString();
            throw new LaunchException(where + ": bad TLS settings ('" + current + "'): " + e.getMessage());
        }
    }

    private static void applyWebSocket(Path file, Map<String, String[]> keys, TlsSettings tls, WebSocketOptions web) {
        if (!keys.isEmpty() && !keys.containsKey("ws_port") && !keys.containsKey("wss_port")) {
            throw new LaunchException(file + ": WebSocket settings (" + String.join(", ", keys.keySet().stream()
                    .sorted().toList()) + ") need ws_port or wss_port");
        }
        if (keys.containsKey("wss_port") && tls == null) {
            throw new LaunchException(keys.get("wss_port")[1] + ": wss_port needs a certificate: tls_certfile and "
                    + "tls_keyfile, or tls_keystore");
        }
        web.tls = tls;
        for (var entry : new java.util.TreeMap<>(keys).entrySet()) {
            String v = entry.getValue()[0];
            try {
                switch (entry.getKey()) {
                    case "ws_host" -> web.host = v;
                    case "ws_port" -> web.port = port(v);
                    case "wss_port" -> web.securePort = port(v);
                    case "ws_path" -> web.settings = web.settings.withPath(v);
                    case "ws_allowed_origins" -> web.settings = web.settings.withAllowedOrigins(list(v));
                    case "ws_trusted_proxies" -> web.settings = web.settings.withTrustedProxies(list(v));
                    default -> throw new IllegalStateException(entry.getKey());
                }
            } catch (IllegalArgumentException e) {
                throw new LaunchException(entry.getValue()[1] + ": bad value for '" + entry.getKey() + "': "
                        + e.getMessage());
            }
        }
    }

    private static int port(String v) {
        int port = integer(v);
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        return port;
    }

    private static List<String> list(String v) {
        return java.util.Arrays.stream(v.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    private static long longValue(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a whole number");
        }
    }

    private static double decimal(String v) {
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a number");
        }
    }

    private static AclFileAuthorizer aclFile(String path) {
        try {
            return AclFileAuthorizer.load(Path.of(path));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read ACL file " + path + ": " + e.getMessage());
        }
    }

    private static PasswordFileAuthenticator passwordFile(String path) {
        try {
            return PasswordFileAuthenticator.load(Path.of(path));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read password file " + path + ": " + e.getMessage());
        }
    }

    private static <T> T instance(String className, Class<T> type) {
        Class<?> found;
        try {
            found = Class.forName(className);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("class '" + className + "' is not on the class path");
        }
        if (!type.isAssignableFrom(found)) {
            throw new IllegalArgumentException("class '" + className + "' does not implement " + type.getName());
        }
        try {
            return type.cast(found.getConstructor().newInstance());
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("class '" + className + "' has no public no-argument constructor");
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("class '" + className + "' could not be created: " + cause);
        }
    }

    private static int integer(String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a whole number");
        }
    }

    private static boolean bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + v + "' is not true or false");
        };
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String v) {
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + v + "' is not one of " + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }
}
