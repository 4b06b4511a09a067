package io.starling.mqtt.examples;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.Authenticator;
import io.starling.mqtt.api.Authorizer;
import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.api.Credentials;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.StarlingBroker;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A custom authenticator (user names and passwords from a map, checked off the event loop) and an authorizer that
 * confines each user to {@code users/<name>/#}.
 *
 * <p>Run it with an optional port (default 1883), then for example
 * {@code mosquitto_pub -p 1883 -u alice -P wonderland -t users/alice/hello -m hi}; it prints every message it lets
 * through. Stop it with Ctrl-C.
 */
public final class AuthenticatorExample {
    private AuthenticatorExample() {}

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 1883;
        ExecutorService authExecutor = Executors.newFixedThreadPool(2);
        StarlingBroker broker = start(port, Map.of("alice", "wonderland", "bob", "builder"), authExecutor);
        broker.subscribe("users/#", QoS.AT_MOST_ONCE, message -> System.out.println(message.topic() + " "
                + new String(message.payload(), StandardCharsets.UTF_8)));
        System.out.println("Starling with authentication listening on " + broker.uri() + "; users alice, bob");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            authExecutor.shutdown();
            stopped.countDown();
        }));
        stopped.await();
    }

    /** A started broker that admits only {@code users}, each confined to {@code users/<name>/#}. */
    static StarlingBroker start(int port, Map<String, String> users, Executor authExecutor) {
        // DOC-START secured-broker
        StarlingBroker broker = StarlingBroker.builder()
                .port(port)
                .configure(c -> c
                        .authenticator(new MapAuthenticator(users, authExecutor))
                        .authorizer(new UserPrefixAuthorizer()))
                .start();
        // DOC-END secured-broker
        return broker;
    }

    // DOC-START authenticator
    /**
     * Checks user name and password against a map. The check runs on {@code executor}, so a slow store (a database,
     * LDAP) would never block an event loop: the connection waits for the answer, its event loop does not.
     */
    public static final class MapAuthenticator implements Authenticator {
        private final Map<String, byte[]> passwordHashes = new HashMap<>();
        private final byte[] unknownUserHash = sha256("no such user".getBytes(StandardCharsets.UTF_8));
        private final Executor executor;

        public MapAuthenticator(Map<String, String> passwords, Executor executor) {
            // Keep hashes only (a real store would use a slow, salted hash such as PBKDF2 or bcrypt).
            passwords.forEach((user, password) ->
                    passwordHashes.put(user, sha256(password.getBytes(StandardCharsets.UTF_8))));
            this.executor = executor;
        }

        @Override
        public CompletionStage<AuthenticationResult> authenticate(Credentials credentials) {
            return CompletableFuture.supplyAsync(() -> check(credentials), executor);
        }

        private AuthenticationResult check(Credentials credentials) {
            String user = credentials.client().username();
            byte[] expected = user == null ? null : passwordHashes.get(user);
            byte[] given = sha256(credentials.password() == null ? new byte[0] : credentials.password());
            // Constant time: compare equal-length digests with MessageDigest.isEqual, and compare even when the
            // user is unknown, so the answer time tells nothing about names or passwords.
            boolean match = MessageDigest.isEqual(expected == null ? unknownUserHash : expected, given);
            return match && expected != null
                    ? AuthenticationResult.ACCEPTED
                    : AuthenticationResult.BAD_USERNAME_OR_PASSWORD; // CONNACK 4
        }

        private static byte[] sha256(byte[] bytes) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(bytes);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }
    }
    // DOC-END authenticator

    // DOC-START authorizer
    /** Confines each user to {@code users/<name>/#}. Runs on event loops: fast, no I/O, no locks. */
    public static final class UserPrefixAuthorizer implements Authorizer {
        @Override
        public boolean canPublish(ClientInfo client, TopicName topic) {
            return safe(client.username()) && TopicFilter.of("users/" + client.username() + "/#").matches(topic);
        }

        @Override
        public boolean canSubscribe(ClientInfo client, TopicFilter filter) {
            String own = "users/" + client.username();
            return safe(client.username()) && (filter.value().equals(own) || filter.value().startsWith(own + "/"));
        }

        /** A name with '/', '+' or '#' would reach into another user's tree or be a wildcard. */
        private static boolean safe(String username) {
            return username != null && !username.isEmpty() && username.chars().noneMatch(ch -> ch == '/' || ch == '+' || ch == '#');
        }
    }
    // DOC-END authorizer
}
