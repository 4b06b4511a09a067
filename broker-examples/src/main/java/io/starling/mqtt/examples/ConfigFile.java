package io.starling.mqtt.examples;

import io.starling.mqtt.api.Authenticator;
import io.starling.mqtt.api.Authorizer;
import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.Interceptor;
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

    private ConfigFile() {}

    /** Applies every setting of {@code file} to {@code builder}; throws {@link LaunchException} on the first error. */
    static void apply(Path file, BrokerConfig.Builder builder) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LaunchException("cannot read config file " + file + ": " + e.getMessage());
        }
        Set<String> seen = new HashSet<>();
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
            BiConsumer<BrokerConfig.Builder, String> setter = KEYS.get(key);
            if (setter == null) {
                throw new LaunchException(where + ": unknown key '" + key + "' (known: " + String.join(", ", KEYS.keySet().stream().sorted().toList()) + ")");
            }
            if (!seen.add(key)) {
                throw new LaunchException(where + ": '" + key + "' is set twice");
            }
            try {
                setter.accept(builder, value);
                // Range checks live in build(): run them now so an error names this line.
                builder.build();
            } catch (IllegalArgumentException e) {
                throw new LaunchException(where + ": bad value for '" + key + "': " + e.getMessage());
            }
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
