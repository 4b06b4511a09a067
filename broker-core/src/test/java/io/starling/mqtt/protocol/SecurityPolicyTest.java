package io.starling.mqtt.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.Authenticator;
import io.starling.mqtt.api.Authorizer;
import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.api.Credentials;
import io.starling.mqtt.api.Listener;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.api.QueueOverflowPolicy;
import io.starling.mqtt.api.TlsSettings;
import io.starling.mqtt.engine.BrokerEngine;
import io.starling.mqtt.packet.ConnAck;
import io.starling.mqtt.packet.Connect;
import io.starling.mqtt.packet.ConnectReturnCode;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.Publish;
import io.starling.mqtt.packet.SubAck;
import io.starling.mqtt.packet.Subscribe;
import io.starling.mqtt.packet.Subscription;
import io.starling.mqtt.packet.Will;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The security policies core applies on its own, without a network: anonymous-access defaults, certificate
 * identity, slowed logins, will authorization, the connection, topic, subscription and queue limits, and the
 * authorizer's delivery check.
 */
@Timeout(20)
class SecurityPolicyTest {
    private final ExecutorService loop = Executors.newSingleThreadExecutor();
    private final List<BrokerEngine> engines = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        loop.shutdownNow();
        loop.awaitTermination(1, TimeUnit.SECONDS);
        engines.forEach(BrokerEngine::close);
    }

    private BrokerEngine engine(UnaryOperator<BrokerConfig.Builder> settings) {
        BrokerEngine e = new BrokerEngine(settings.apply(BrokerConfig.builder().port(0)).build());
        engines.add(e);
        return e;
    }

    private record Client(Connection connection, RecordingChannel channel, ExecutorService loop) {
        void send(MqttPacket p) {
            loop.execute(() -> connection.onPacket(p));
        }

        void drop() {
            loop.execute(() -> {
                channel.close();
                connection.onClosed();
            });
        }

        ConnAck connAck() {
            await().atMost(Duration.ofSeconds(10)).until(() -> !channel.written(ConnAck.class).isEmpty());
            return channel.written(ConnAck.class).get(0);
        }
    }

    private Client open(BrokerEngine engine, String address) {
        return open(engine, address, BrokerConfig.DEFAULT_LISTENER, List.of());
    }

    private Client open(BrokerEngine engine, String address, String listener, List<X509Certificate> certificates) {
        RecordingChannel ch = new RecordingChannel(loop, address);
        ch.listenerName = listener;
        ch.certificates = certificates;
        CompletableFuture<Connection> c = CompletableFuture.supplyAsync(() -> engine.newConnection(ch), loop);
        return new Client(c.join(), ch, loop);
    }

    private static Connect connect(String id, String user, String password) {
        return new Connect("MQTT", 4, true, 30, id, null, user,
                password == null ? null : password.getBytes(StandardCharsets.UTF_8));
    }

    private static final Authenticator ONLY_SECRET = c -> CompletableFuture.completedFuture(
            c.password() != null && new String(c.password(), StandardCharsets.UTF_8).equals("secret")
                    ? AuthenticationResult.ACCEPTED : AuthenticationResult.BAD_USERNAME_OR_PASSWORD);

    static X509Certificate certificate(String resource) throws Exception {
        try (InputStream in = SecurityPolicyTest.class.getResourceAsStream("/certs/" + resource)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @Nested
    @DisplayName("anonymous access and the safe defaults")
    class Anonymous {
        @Test
        @DisplayName("by default a loopback listener accepts clients without a user name")
        void loopbackAcceptsAnonymous() {
            Client c = open(engine(b -> b), "127.0.0.1:5000");
            c.send(connect("a", null, null));
            assertThat(c.connAck().returnCode()).isEqualTo(ConnectReturnCode.ACCEPTED);
        }

        @Test
        @DisplayName("a listener other hosts can reach refuses anonymous clients with 0x05 unless allowed")
        void nonLoopbackRefusesAnonymous() {
            BrokerEngine e = engine(b -> b.host("0.0.0.0").authenticator(ONLY_SECRET));
            Client c = open(e, "10.0.0.9:5000");
            c.send(connect("a", null, null));
            assertThat(c.connAck().returnCode()).isEqualTo(ConnectReturnCode.NOT_AUTHORIZED);
            assertThat(c.channel.closed).isTrue();
            assertThat(e.stats().authenticationFailures()).isEqualTo(1);
        }

        @Test
        @DisplayName("with no authenticator, a non-loopback listener refuses even clients with a user name")
        void nonLoopbackWithoutAuthenticatorRefusesEveryone() {
            Client c = open(engine(b -> b.host("0.0.0.0")), "10.0.0.9:5000");
            c.send(connect("a", "mallory", "anything"));
            assertThat(c.connAck().returnCode()).isEqualTo(ConnectReturnCode.NOT_AUTHORIZED);
        }

        @Test
        @DisplayName("a non-loopback listener with an authenticator accepts good credentials and refuses bad ones")
        void nonLoopbackWithAuthenticator() {
            BrokerEngine e = engine(b -> b.host("0.0.0.0").authenticator(ONLY_SECRET));
            Client good = open(e, "10.0.0.9:5000");
            good.send(connect("good", "alice", "secret"));
            assertThat(good.connAck().returnCode()).isEqualTo(ConnectReturnCode.ACCEPTED);
            Client bad = open(e, "10.0.0.9:5001");
            bad.send(connect("bad", "alice", "guess"));
            assertThat(bad.connAck().returnCode()).isEqualTo(ConnectReturnCode.BAD_USERNAME_OR_PASSWORD);
        }

        @Test
        @DisplayName("allowAnonymous(true) opens a non-loopback listener to clients without a user name")
        void explicitlyAllowed() {
            Client c = open(engine(b -> b.host("0.0.0.0").allowAnonymous(true)), "10.0.0.9:5000");
            c.send(connect("a", null, null));
            assertThat(c.connAck().returnCode()).isEqualTo(ConnectReturnCode.ACCEPTED);
        }

        @Test
        @DisplayName("allowAnonymous(true) with an authenticator: anonymous clients in unasked, named ones still checked")
        void explicitlyAllowedWithAuthenticator() {
            List<Credentials> asked = new CopyOnWriteArrayList<>();
            BrokerEngine e = engine(b -> b.host("0.0.0.0").allowAnonymous(true).authenticator(c -> {
                asked.add(c);
                return ONLY_SECRET.authenticate(c);
            }));
            Client anonymous = open(e, "10.0.0.9:5000");
            anonymous.send(connect("a", null, null));
            assertThat(anonymous.connAck().returnCode()).isEqualTo(ConnectReturnCode.ACCEPTED);
            assertThat(asked).isEmpty();
            Client named = open(e, "10.0.0.9:5001");
            named.send(connect("b", "bob", "nope"));
            assertThat(named.connAck().returnCode()).isEqualTo(ConnectReturnCode.BAD_USERNAME_OR_PASSWORD);
            assertThat(asked).hasSize(1);
        }

        @Test
        @DisplayName("allowAnonymous(false) closes a loopback listener to clients without a user name")
        void explicitlyRefused() {
            BrokerEngine e = engine(b -> b.allowAnonymous(false).authenticator(ONLY_SECRET));
            Client anonymous = open(e, "127.0.0.1:5000");
            anonymous.send(connect("a", null, null));
            assertThat(anonymous.connAck().returnCode()).isEqualTo(ConnectReturnCode.NOT_AUTHORIZED);
            Client named = open(e, "127.0.0.1:5001");
            named.send(connect("b", "bob", "secret"));
            assertThat(named.connAck().returnCode()).isEqualTo(ConnectReturnCode.ACCEPTED);
        }

        @Test
        @DisplayName("the rule is per listener: loopback open, wildcard address closed, in one broker")
        void perListener() {
            BrokerEngine e = engine(b -> b.listener(Listener.tcp("public", "0.0.0.0", 0)));
            Client local = open(e, "127.0.0.1:5000", BrokerConfig.DEFAULT_LISTENER, List.of());
            local.send(connect("local", null, null));
            assertThat(local.connAck().returnCode()).isEqualTo(ConnectReturnCode.ACCEPTED);
            Client remote = open(e, "10.0.0.9:5000", "public", List.of());
            remote.send(connect("remote", null, null));
            assertThat(remote.connAck().returnCode()).isEqualTo(ConnectReturnCode.NOT_AUTHORIZED);
        }
    }

    @Nested
    @DisplayName("identity from a TLS client certificate")
    class CertificateIdentity {
        private BrokerEngine mtls(TlsSettings.CertificateIdentity identity, List<Credentials> seen) {
            TlsSettings tls = TlsSettings.pem(Path.of("server.pem"), Path.of("server.key"))
                    .trustCertificates(Path.of("ca.pem")).clientAuth(TlsSettings.ClientAuth.REQUIRE)
                    .identity(identity).build();
            return engine(b -> b.tcpListener(false).listener(Listener.tls("mtls", "0.0.0.0", 0, tls))
                    .authenticator(c -> {
                        seen.add(c);
                        return Authenticator.ALLOW_ALL.authenticate(c);
                    }));
        }

        @Test
        @DisplayName("the certificate's CN becomes the user name, replacing the CONNECT user name")
        void commonName() throws Exception {
            List<Credentials> seen = new CopyOnWriteArrayList<>();
            BrokerEngine e = mtls(TlsSettings.CertificateIdentity.COMMON_NAME, seen);
            Client c = open(e, "10.0.0.9:5000", "mtls", List.of(certificate("alice.pem")));
            c.send(connect("device-1", "mallory", null));
            assertThat(c.connAck().returnCode()).isEqualTo(ConnectReturnCode.ACCEPTED);
            assertThat(seen).singleElement().satisfies(cred -> {
                assertThat(cred.client().username()).isEqualTo("alice");
                assertThat(cred.certificateIdentity()).isEqualTo("alice");
                assertThat(cred.authenticatedByCertificate()).isTrue();
                assertThat(cred.certificates()).hasSize(1);
            });
        }

        @Test
        @DisplayName("the first DNS subject alternative name becomes the user name")
        void subjectAltName() throws Exception {
            List<Credentials> seen = new CopyOnWriteArrayList<>();
            BrokerEngine e = mtls(TlsSettings.CertificateIdentity.SUBJECT_ALT_NAME, seen);
            Client c = open(e, "10.0.0.9:5000", "mtls", List.of(certificate("alice.pem")));
            c.send(connect("device-1", null, null));
            assertThat(c.connAck().returnCode()).isEqualTo(ConnectReturnCode.ACCEPTED);
            assertThat(seen.get(0).client().username()).isEqualTo("sensor-7.example");
        }

        @Test
        @DisplayName("a certificate without a CN is refused with 0x05 when the CN is the identity")
        void noCommonName() throws Exception {
            List<Credentials> seen = new CopyOnWriteArrayList<>();
            BrokerEngine e = mtls(TlsSettings.CertificateIdentity.COMMON_NAME, seen);
            Client c = open(e, "10.0.0.9:5000", "mtls", List.of(certificate("nocn.pem")));
            c.send(connect("device-1", "alice", null));
            assertThat(c.connAck().returnCode()).isEqualTo(ConnectReturnCode.NOT_AUTHORIZED);
            assertThat(seen).isEmpty();
        }
    }

    @Test
    @DisplayName("after repeated failed logins from one address, its next CONNECT is answered late and counted")
    void repeatedFailuresAreSlowed() {
        BrokerEngine e = engine(b -> b.authenticator(ONLY_SECRET).authFailureThreshold(3)
                .authFailureDelay(Duration.ofMillis(400)));
        for (int i = 0; i < 3; i++) {
            Client c = open(e, "192.0.2.7:" + (6000 + i));
            c.send(connect("guess-" + i, "alice", "wrong"));
            assertThat(c.connAck().returnCode()).isEqualTo(ConnectReturnCode.BAD_USERNAME_OR_PASSWORD);
            assertThat(e.stats().loginsDelayed()).isZero();
        }
        Client slowed = open(e, "192.0.2.7:6100");
        long start = System.nanoTime();
        slowed.send(connect("guess-x", "alice", "secret"));
        assertThat(slowed.connAck().returnCode()).isEqualTo(ConnectReturnCode.ACCEPTED);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(e.stats().loginsDelayed()).isEqualTo(1);
        // Another address is not slowed.
        Client other = open(e, "198.51.100.1:6000");
        other.send(connect("other", "bob", "secret"));
        assertThat(other.connAck().returnCode()).isEqualTo(ConnectReturnCode.ACCEPTED);
        assertThat(e.stats().loginsDelayed()).isEqualTo(1);
    }

    @Test
    @DisplayName("a will on a topic the client may not publish to refuses the CONNECT with 0x05")
    void willNeedsPublishPermission() {
        BrokerEngine e = engine(b -> b.authorizer(new Authorizer() {
            @Override
            public boolean canPublish(ClientInfo client, TopicName topic) {
                return !topic.value().startsWith("secret/");
            }
        }));
        Client c = open(e, "127.0.0.1:5000");
        c.send(new Connect("MQTT", 4, true, 30, "w", new Will(TopicName.of("secret/x"), new byte[0], QoS.AT_MOST_ONCE,
                false), null, null));
        assertThat(c.connAck().returnCode()).isEqualTo(ConnectReturnCode.NOT_AUTHORIZED);
    }

    @Test
    @DisplayName("beyond maxConnections a new connection is closed at once and counted; a freed slot is reusable")
    void maxConnections() {
        BrokerEngine e = engine(b -> b.maxConnections(2));
        Client first = open(e, "127.0.0.1:1");
        open(e, "127.0.0.1:2");
        Client third = open(e, "127.0.0.1:3");
        assertThat(third.channel.closed).isTrue();
        assertThat(e.stats().connectionsOverLimit()).isEqualTo(1);
        third.drop();
        first.drop();
        await().until(() -> {
            Client again = open(e, "127.0.0.1:4");
            return !again.channel.closed;
        });
    }

    @Test
    @DisplayName("a PUBLISH over the topic level limit closes the connection; one within it is routed")
    void topicLevelsOnPublish() {
        BrokerEngine e = engine(b -> b.maxTopicLevels(4));
        Client c = open(e, "127.0.0.1:1");
        c.send(connect("p", null, null));
        c.connAck();
        c.send(new Publish(TopicName.of("a/b/c/d"), QoS.AT_MOST_ONCE, false, false, 0, new byte[0]));
        c.send(new Publish(TopicName.of("a/b/c/d/e"), QoS.AT_MOST_ONCE, false, false, 0, new byte[0]));
        await().until(() -> c.channel.closed);
        assertThat(e.stats().limitViolations()).isEqualTo(1);
    }

    @Test
    @DisplayName("a filter over the topic length limit, or beyond maxSubscriptionsPerClient, gets 0x80 in SUBACK")
    void subscriptionLimits() {
        BrokerEngine e = engine(b -> b.maxTopicLength(10).maxSubscriptionsPerClient(2));
        Client c = open(e, "127.0.0.1:1");
        c.send(connect("s", null, null));
        c.connAck();
        c.send(new Subscribe(1, List.of(sub("a"), sub("0123456789abc"), sub("b"), sub("a"), sub("c"))));
        await().until(() -> !c.channel.written(SubAck.class).isEmpty());
        // "a" again replaces its own subscription and needs no new room.
        assertThat(c.channel.written(SubAck.class).get(0).returnCodes()).containsExactly(1, 0x80, 1, 1, 0x80);
        assertThat(e.stats().limitViolations()).isEqualTo(2);
        assertThat(c.channel.closed).isFalse();
    }

    @Test
    @DisplayName("maxQueuedBytes bounds an offline session's queue; the overflow policy applies beyond it")
    void queuedBytes() {
        BrokerEngine e = engine(b -> b.maxQueuedBytes(1000).queueOverflowPolicy(QueueOverflowPolicy.DROP_OLDEST));
        Client c = open(e, "127.0.0.1:1");
        c.send(new Connect("MQTT", 4, false, 30, "q", null, null, null));
        c.connAck();
        c.send(new Subscribe(1, List.of(sub("q/#"))));
        await().until(() -> !c.channel.written(SubAck.class).isEmpty());
        c.drop();
        await().until(() -> e.sessions().get("q") != null && !e.sessions().get("q").isConnected());
        for (int i = 0; i < 5; i++) {
            e.publish(new Message(TopicName.of("q/" + i), new byte[400], QoS.AT_LEAST_ONCE, false));
        }
        await().until(() -> e.stats().queueOverflowDrops() == 3);
        CompletableFuture<long[]> state = new CompletableFuture<>();
        var session = e.sessions().get("q");
        session.execute(() -> state.complete(new long[] {session.queuedCount(), session.queuedBytes()}));
        assertThat(state.join()).containsExactly(2, 800);
    }

    @Test
    @DisplayName("canReceive filters live, retained and will deliveries; refusals are counted")
    void canReceive() {
        BrokerEngine e = engine(b -> b.authorizer(new Authorizer() {
            @Override
            public boolean canReceive(ClientInfo client, TopicName topic) {
                return !topic.value().contains("private");
            }
        }));
        e.publish(new Message(TopicName.of("r/private"), new byte[] {1}, QoS.AT_MOST_ONCE, true));
        e.publish(new Message(TopicName.of("r/public"), new byte[] {2}, QoS.AT_MOST_ONCE, true));
        Client sub = open(e, "127.0.0.1:1");
        sub.send(connect("sub", null, null));
        sub.connAck();
        sub.send(new Subscribe(1, List.of(sub("r/#"), sub("w/#"))));
        await().until(() -> sub.channel.written(Publish.class).size() == 1);
        assertThat(sub.channel.written(Publish.class).get(0).topic().value()).isEqualTo("r/public");

        Client dying = open(e, "127.0.0.1:2");
        dying.send(new Connect("MQTT", 4, true, 30, "dying",
                new Will(TopicName.of("w/private"), new byte[0], QoS.AT_MOST_ONCE, false), null, null));
        dying.connAck();
        Client dying2 = open(e, "127.0.0.1:3");
        dying2.send(new Connect("MQTT", 4, true, 30, "dying2",
                new Will(TopicName.of("w/public"), new byte[0], QoS.AT_MOST_ONCE, false), null, null));
        dying2.connAck();
        dying.drop();
        dying2.drop();
        await().until(() -> sub.channel.written(Publish.class).size() == 2);
        assertThat(sub.channel.written(Publish.class).get(1).topic().value()).isEqualTo("w/public");
        assertThat(e.stats().deliveriesDenied()).isEqualTo(2);
    }

    @Test
    @DisplayName("a # subscription matching more retained QoS 1 messages than max_queued_messages gets them all; the session is kept")
    void manyRetainedMessages() {
        BrokerEngine e = engine(b -> b.maxQueuedMessages(100).maxInflight(16));
        int count = 1_000;
        for (int i = 0; i < count; i++) {
            e.publish(new Message(TopicName.of("r/" + i), new byte[] {1}, QoS.AT_LEAST_ONCE, true));
        }
        Client c = open(e, "127.0.0.1:1");
        c.send(connect("all", null, null));
        c.connAck();
        c.send(new Subscribe(1, List.of(sub("#"))));
        java.util.Set<Integer> acked = new java.util.HashSet<>();
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            for (Publish p : c.channel.written(Publish.class)) {
                if (acked.add(p.packetId() * 100_000 + Integer.parseInt(p.topic().value().substring(2)))) {
                    c.send(new io.starling.mqtt.packet.PubAck(p.packetId()));
                }
            }
            return c.channel.written(Publish.class).size() == count;
        });
        assertThat(c.channel.written(Publish.class)).allMatch(Publish::retain);
        assertThat(c.channel.closed).isFalse();
        assertThat(e.stats().sessionsDiscardedOnOverflow()).isZero();
        assertThat(e.stats().queueOverflowDrops()).isZero();
    }

    private static Subscription sub(String filter) {
        return new Subscription(TopicFilter.of(filter), QoS.AT_LEAST_ONCE);
    }
}
