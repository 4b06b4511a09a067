package io.starling.mqtt.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.QueueOverflowPolicy;
import io.starling.mqtt.api.UnauthorizedPublishPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's command line ({@link StandaloneBroker#parse}) and configuration file ({@link ConfigFile}). */
@Timeout(30)
class StandaloneBrokerTest {
    private static final Path DOCS = Path.of(System.getProperty("user.dir")).toAbsolutePath()
            .resolveSibling("docs").resolve("configuration.md");

    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        Path file = dir.resolve("starling.conf");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private static BrokerConfig parse(String... args) {
        return StandaloneBroker.parse(args);
    }

    // ---- command line ----

    @Test
    @DisplayName("no arguments: the defaults, 127.0.0.1:1883")
    void defaults() {
        BrokerConfig config = parse();
        BrokerConfig defaults = BrokerConfig.builder().build();
        assertThat(config.host()).isEqualTo("127.0.0.1").isEqualTo(defaults.host());
        assertThat(config.port()).isEqualTo(1883).isEqualTo(defaults.port());
        assertThat(config.maxInflight()).isEqualTo(defaults.maxInflight());
        assertThat(defaults.sysInterval()).as("embedded brokers publish no $SYS topics unless asked").isZero();
        assertThat(config.sysInterval()).as("the standalone broker publishes $SYS every 10 s").hasSeconds(10);
    }

    @Test
    @DisplayName("--host and --port set the listener")
    void hostAndPort() {
        BrokerConfig config = parse("--host", "0.0.0.0", "--port", "0");
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isZero();
    }

    @Test
    @DisplayName("unknown option, missing value, non-numeric or out-of-range port, --help: LaunchException with the reason")
    void badCommandLines() {
        assertThatThrownBy(() -> parse("--bogus")).isInstanceOf(LaunchException.class)
                .hasMessage("unknown option '--bogus'; " + StandaloneBroker.USAGE);
        assertThatThrownBy(() -> parse("--port", "0", "extra")).isInstanceOf(LaunchException.class)
                .hasMessageStartingWith("unknown option 'extra'");
        assertThatThrownBy(() -> parse("--host")).isInstanceOf(LaunchException.class)
                .hasMessage("--host needs a value; " + StandaloneBroker.USAGE);
        assertThatThrownBy(() -> parse("--port", "12x")).isInstanceOf(LaunchException.class)
                .hasMessage("--port needs a number, got '12x'");
        assertThatThrownBy(() -> parse("--port", "-1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be 0..65535, was -1");
        assertThatThrownBy(() -> parse("--help")).isInstanceOf(LaunchException.class)
                .hasMessage(StandaloneBroker.USAGE);
        assertThatThrownBy(() -> parse("-h")).isInstanceOf(LaunchException.class)
                .hasMessage(StandaloneBroker.USAGE);
    }

    // ---- configuration file ----

    @Test
    @DisplayName("every key of the file sets its builder method; comments, blank lines and spaces around '=' are ignored")
    void everyKey() throws IOException {
        Path config = file("""
                # every key, each with a non-default value
                host = 0.0.0.0
                port=0

                max_packet_size = 1024
                max_client_id_length = 64
                allow_zero_length_client_id = FALSE
                connect_timeout_seconds = 3
                   max_inflight_messages   =   10
                max_queued_messages = 7
                queue_overflow_policy = drop_newest
                queue_qos0_when_offline = true
                wildcard_subscriptions = false
                unauthorized_publish_policy = DISCONNECT
                native_transport = false
                io_threads = 3
                sys_interval_seconds = 0
                """);
        BrokerConfig c = parse("--config", config.toString());
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isZero();
        assertThat(c.maxPacketSize()).isEqualTo(1024);
        assertThat(c.maxClientIdLength()).isEqualTo(64);
        assertThat(c.allowZeroLengthClientId()).isFalse();
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.maxInflight()).isEqualTo(10);
        assertThat(c.maxQueuedMessages()).isEqualTo(7);
        assertThat(c.queueOverflowPolicy()).isEqualTo(QueueOverflowPolicy.DROP_NEWEST);
        assertThat(c.queueQos0WhenOffline()).isTrue();
        assertThat(c.wildcardSubscriptions()).isFalse();
        assertThat(c.unauthorizedPublishPolicy()).isEqualTo(UnauthorizedPublishPolicy.DISCONNECT);
        assertThat(c.nativeTransport()).isFalse();
        assertThat(c.ioThreads()).isEqualTo(3);
        assertThat(c.sysInterval()).isZero();
    }

    @Test
    @DisplayName("--host and --port override the file, wherever they stand on the command line")
    void commandLineOverridesFile() throws IOException {
        Path config = file("host = 0.0.0.0\nport = 1884\nmax_inflight_messages = 10\n");
        BrokerConfig c = parse("--port", "0", "--config", config.toString(), "--host", "127.0.0.2");
        assertThat(c.port()).isZero();
        assertThat(c.host()).isEqualTo("127.0.0.2");
        assertThat(c.maxInflight()).isEqualTo(10);
    }

    @Test
    @DisplayName("unknown key, bad number, boolean or enum, key set twice, missing '=': the file, the line and the reason")
    void badFiles() throws IOException {
        assertBad("port = 0\nfoo = 1\n", 2, "unknown key 'foo' (known: acl_file, allow_anonymous, allow_zero_length_client_id, ");
        assertBad("max_inflight_messages = many", 1, "bad value for 'max_inflight_messages': 'many' is not a whole number");
        assertBad("\n# c\nwildcard_subscriptions = yes", 3, "bad value for 'wildcard_subscriptions': 'yes' is not true or false");
        assertBad("queue_overflow_policy = sometimes", 1,
                "bad value for 'queue_overflow_policy': 'sometimes' is not one of [DISCARD_SESSION, DROP_OLDEST, DROP_NEWEST]");
        assertBad("port = 0\nport = 1", 2, "'port' is set twice");
        assertBad("port 0", 1, "expected 'key = value', found 'port 0'");
        assertBad("= 0", 1, "expected 'key = value', found '= 0'");
    }

    @Test
    @DisplayName("a value the builder rejects (max_inflight_messages = 0, port = 70000) also names the file and the line")
    void outOfRangeValuesNameTheLine() throws IOException {
        assertBad("port = 0\nmax_inflight_messages = 0", 2, "bad value for 'max_inflight_messages'");
        assertBad("port = 70000", 1, "bad value for 'port'");
    }

    @Test
    @DisplayName("a missing file: LaunchException naming it")
    void missingFile() {
        Path missing = dir.resolve("nope.conf");
        assertThatThrownBy(() -> parse("--config", missing.toString())).isInstanceOf(LaunchException.class)
                .hasMessageStartingWith("cannot read config file " + missing + ": ");
    }

    @Test
    @DisplayName("docs/configuration.md lists exactly the keys the file reader knows")
    void documentedKeysAreTheKnownKeys() throws IOException {
        Throwable unknown = org.assertj.core.api.Assertions.catchThrowable(() -> parse("--config", file("x = 1").toString()));
        Matcher known = Pattern.compile("\\(known: ([^)]*)\\)").matcher(unknown.getMessage());
        assertThat(known.find()).as(unknown.getMessage()).isTrue();
        Set<String> keys = new TreeSet<>(Arrays.asList(known.group(1).split(", ")));

        assertThat(DOCS).isRegularFile();
        Pattern row = Pattern.compile("^\\| `([a-z0-9_]+)` \\|");
        Set<String> documented = Files.readAllLines(DOCS, StandardCharsets.UTF_8).stream()
                .map(row::matcher).filter(Matcher::find).map(m -> m.group(1))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(documented).isEqualTo(keys);
        assertThat(keys).contains("host", "port", "max_inflight_messages");
    }

    @Test
    @DisplayName("code-valued settings by class name: authenticator, authorizer, interceptors in order; bad names fail with the line")
    void classNameKeys() throws IOException {
        String hooks = ConfigFileHooks.class.getName();
        BrokerConfig c = parse("--config", file(
                "authenticator_class = " + hooks + "$RefuseAll\n"
                + "authorizer_class = " + hooks + "$ReadOnly\n"
                + "interceptor_classes = " + hooks + "$First, " + hooks + "$Second\n"
                + "interceptor_timeout_ms = 250\n").toString());
        assertThat(c.authenticator()).isInstanceOf(ConfigFileHooks.RefuseAll.class);
        assertThat(c.authorizer()).isInstanceOf(ConfigFileHooks.ReadOnly.class);
        assertThat(c.interceptors()).hasSize(2);
        assertThat(c.interceptors().get(0)).isInstanceOf(ConfigFileHooks.First.class);
        assertThat(c.interceptors().get(1)).isInstanceOf(ConfigFileHooks.Second.class);
        assertThat(c.interceptorTimeout()).hasMillis(250);

        assertBad("authenticator_class = com.example.Missing", 1,
                "bad value for 'authenticator_class': class 'com.example.Missing' is not on the class path");
        assertBad("authorizer_class = " + hooks + "$First", 1,
                "bad value for 'authorizer_class': class '" + hooks + "$First' does not implement");
        assertBad("port = 0\ninterceptor_classes = " + hooks + "$NoDefaultConstructor", 2,
                "bad value for 'interceptor_classes': class '" + hooks + "$NoDefaultConstructor' has no public");
    }

    @Test
    @DisplayName("password_file loads a mosquitto_passwd file; a missing or malformed one fails with the line")
    void passwordFileKey() throws IOException {
        Path passwords = Files.writeString(dir.resolve("passwords"), "alice:$7$101$jZfgmcG4grImqBTp$WGurbea703oHH69C"
                + "UCam22iLiN2jLWpKxJmO9Tgn3vfYeA9DXjFv+t8PJpaJ4Nfu7WOIcBhXPJCs+vjMDyONhw==\n", StandardCharsets.UTF_8);
        BrokerConfig c = parse("--config", file("password_file = " + passwords + "\n").toString());
        assertThat(c.authenticator()).isInstanceOf(io.starling.mqtt.auth.PasswordFileAuthenticator.class);
        assertBad("port = 0\npassword_file = /nonexistent/pw", 2, "bad value for 'password_file': cannot read password file");
    }

    @Test
    @DisplayName("security keys: anonymous access, limits, login slowing, ACL file")
    void securityKeys() throws IOException {
        Path acl = Files.writeString(dir.resolve("acl"), "user alice\ntopic readwrite alice/#\n", StandardCharsets.UTF_8);
        BrokerConfig c = parse("--config", file("""
                allow_anonymous = false
                tcp_listener = true
                max_connections = 500
                max_topic_length = 1024
                max_topic_levels = 16
                max_subscriptions_per_client = 50
                max_queued_bytes = 1048576
                auth_failure_threshold = 3
                auth_failure_delay_ms = 250
                acl_file = %s
                """.formatted(acl)).toString());
        assertThat(c.allowAnonymous()).contains(false);
        assertThat(c.maxConnections()).isEqualTo(500);
        assertThat(c.maxTopicLength()).isEqualTo(1024);
        assertThat(c.maxTopicLevels()).isEqualTo(16);
        assertThat(c.maxSubscriptionsPerClient()).isEqualTo(50);
        assertThat(c.maxQueuedBytes()).isEqualTo(1_048_576L);
        assertThat(c.authFailureThreshold()).isEqualTo(3);
        assertThat(c.authFailureDelay()).hasMillis(250);
        assertThat(c.authorizer()).isInstanceOf(io.starling.mqtt.auth.AclFileAuthorizer.class);

        assertThat(parse().allowAnonymous()).as("unset: the per-listener safe default applies").isEmpty();
        assertBad("max_topic_levels = 0", 1, "bad value for 'max_topic_levels': maxTopicLevels must be 1..65535");
        assertBad("port = 0\nacl_file = /nonexistent/acl", 2, "bad value for 'acl_file': cannot read ACL file");
        assertBad("tcp_listener = false", 1, "bad value for 'tcp_listener': at least one listener is needed");
    }

    @Test
    @DisplayName("flow control keys: rate limits, burst, overload thresholds, write buffer; bad values name the line")
    void flowControlKeys() throws IOException {
        BrokerConfig c = parse("--config", file("""
                max_inbound_messages_per_second = 250.5
                max_inbound_bytes_per_second = 100000
                listener_max_inbound_messages_per_second = 5000
                listener_max_inbound_bytes_per_second = 2000000
                inbound_burst_ms = 200
                overload_protection = false
                overload_loop_lag_ms = 20
                overload_heap_fraction = 0.7
                overload_queued_bytes = 1048576
                overload_network_buffer_bytes = 2097152
                overload_light_client_rate = 10
                overload_loop_busy_fraction = 0.6
                outbound_buffer_bytes = 65536
                """).toString());
        io.starling.mqtt.api.FlowControl f = c.flowControl();
        assertThat(f.clientMessagesPerSecond()).isEqualTo(250.5);
        assertThat(f.clientBytesPerSecond()).isEqualTo(100_000);
        assertThat(f.listenerMessagesPerSecond()).isEqualTo(5_000);
        assertThat(f.listenerBytesPerSecond()).isEqualTo(2_000_000);
        assertThat(f.burst()).hasMillis(200);
        assertThat(f.overloadProtection()).isFalse();
        assertThat(f.loopLagThreshold()).hasMillis(20);
        assertThat(f.heapThreshold()).isEqualTo(0.7);
        assertThat(f.queuedBytesThreshold()).isEqualTo(1_048_576);
        assertThat(f.outboundBytesThreshold()).isEqualTo(2_097_152);
        assertThat(f.lightClientRate()).isEqualTo(10);
        assertThat(f.outboundBufferBytes()).isEqualTo(65_536);
        assertThat(f.loopBusyThreshold()).isEqualTo(0.6);
        assertThat(parse().flowControl()).isEqualTo(io.starling.mqtt.api.FlowControl.DEFAULTS);

        assertBad("max_inbound_messages_per_second = fast", 1,
                "bad value for 'max_inbound_messages_per_second': 'fast' is not a number");
        assertBad("overload_heap_fraction = 1.5", 1,
                "bad value for 'overload_heap_fraction': heapThreshold must be in (0, 1]");
        assertBad("outbound_buffer_bytes = 10", 1,
                "bad value for 'outbound_buffer_bytes': outboundBufferBytes must be at least 1024");
    }

    @Test
    @DisplayName("tls_* keys make one TLS listener named tls; TLS settings that do not fit together name the key")
    void tlsKeys() throws IOException {
        BrokerConfig c = parse("--config", file("""
                host = 127.0.0.1
                tls_port = 8883
                tls_certfile = /etc/starling/chain.pem
                tls_keyfile = /etc/starling/key.pem
                tls_cafile = /etc/starling/ca.pem
                tls_client_auth = require
                tls_identity = common_name
                tls_protocols = TLSv1.3
                tls_provider = jdk
                """).toString());
        assertThat(c.listeners()).extracting(io.starling.mqtt.api.Listener::name).containsExactly("default", "tls");
        io.starling.mqtt.api.Listener tls = c.listeners().get(1);
        assertThat(tls.host()).isEqualTo("127.0.0.1");
        assertThat(tls.port()).isEqualTo(8883);
        assertThat(tls.tls().certificateChain()).isEqualTo(Path.of("/etc/starling/chain.pem"));
        assertThat(tls.tls().privateKey()).isEqualTo(Path.of("/etc/starling/key.pem"));
        assertThat(tls.tls().trustCertificates()).isEqualTo(Path.of("/etc/starling/ca.pem"));
        assertThat(tls.tls().clientAuth()).isEqualTo(io.starling.mqtt.api.TlsSettings.ClientAuth.REQUIRE);
        assertThat(tls.tls().identity()).isEqualTo(io.starling.mqtt.api.TlsSettings.CertificateIdentity.COMMON_NAME);
        assertThat(tls.tls().protocols()).containsExactly("TLSv1.3");
        assertThat(tls.tls().provider()).isEqualTo(io.starling.mqtt.api.TlsSettings.Provider.JDK);

        BrokerConfig tlsOnly = parse("--config", file("""
                tcp_listener = false
                tls_port = 8883
                tls_keystore = /etc/starling/server.p12
                tls_keystore_password = changeit
                """).toString());
        assertThat(tlsOnly.listeners()).extracting(io.starling.mqtt.api.Listener::name).containsExactly("tls");
        assertThat(tlsOnly.listeners().get(0).tls().toString()).doesNotContain("changeit");

        Path noPort = file("tls_certfile = a.pem\ntls_keyfile = b.pem\n");
        assertThatThrownBy(() -> parse("--config", noPort.toString())).isInstanceOf(LaunchException.class)
                .hasMessage(noPort + ": TLS settings (tls_certfile, tls_keyfile) need tls_port or wss_port");
        assertBad("tls_port = 8883\ntls_certfile = a.pem\ntls_keyfile = b.pem\ntls_protocols = TLSv1.1", 4,
                "bad TLS settings ('tls_protocols'): TLS protocols must be a non-empty subset of [TLSv1.3, TLSv1.2]");
        assertBad("tls_port = 8883\ntls_certfile = a.pem\ntls_keyfile = b.pem\ntls_identity = common_name", 1,
                "bad TLS settings ('tls_port'): a certificate identity (COMMON_NAME) needs clientAuth REQUIRE");
        assertBad("tls_port = 8883\ntls_certfile = a.pem", 1,
                "bad TLS settings ('tls_port'): TLS with PEM files needs both the certificate chain and the private key");
    }

    @Test
    @DisplayName("--ws-port adds a WebSocket listener named ws on /mqtt, on --host's address; a bad number is refused")
    void wsPortOption() {
        BrokerConfig c = parse("--host", "0.0.0.0", "--ws-port", "8080");
        assertThat(c.listeners()).extracting(io.starling.mqtt.api.Listener::name).containsExactly("default", "ws");
        io.starling.mqtt.api.Listener ws = c.listeners().get(1);
        assertThat(ws.host()).isEqualTo("0.0.0.0");
        assertThat(ws.port()).isEqualTo(8080);
        assertThat(ws.isTls()).isFalse();
        assertThat(ws.webSocket()).isEqualTo(io.starling.mqtt.api.WebSocketSettings.defaults());
        assertThat(parse().listeners()).extracting(io.starling.mqtt.api.Listener::name).containsExactly("default");
        assertThatThrownBy(() -> parse("--ws-port", "web")).isInstanceOf(LaunchException.class)
                .hasMessage("--ws-port needs a number, got 'web'");
        assertThatThrownBy(() -> parse("--ws-port", "70000")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port must be 0..65535");
    }

    @Test
    @DisplayName("ws_* keys: ws and wss listeners (wss with the tls_* certificate), path, origins, trusted proxies; --ws-port and --host override the file")
    void webSocketKeys() throws IOException {
        Path conf = file("""
                host = 0.0.0.0
                ws_port = 8080
                wss_port = 8443
                ws_path = /broker
                ws_allowed_origins = https://app.example.com, https://admin.example.com
                ws_trusted_proxies = 10.0.0.5
                tls_certfile = /etc/starling/chain.pem
                tls_keyfile = /etc/starling/key.pem
                """);
        BrokerConfig c = parse("--config", conf.toString());
        assertThat(c.listeners()).extracting(io.starling.mqtt.api.Listener::name)
                .as("tls_* keys without tls_port: no plain TLS listener").containsExactly("default", "ws", "wss");
        io.starling.mqtt.api.Listener ws = c.listeners().get(1);
        io.starling.mqtt.api.Listener wss = c.listeners().get(2);
        assertThat(ws.host()).isEqualTo("0.0.0.0");
        assertThat(ws.port()).isEqualTo(8080);
        assertThat(ws.isTls()).isFalse();
        assertThat(wss.port()).isEqualTo(8443);
        assertThat(wss.tls().certificateChain()).isEqualTo(Path.of("/etc/starling/chain.pem"));
        for (io.starling.mqtt.api.Listener l : List.of(ws, wss)) {
            assertThat(l.webSocket().path()).isEqualTo("/broker");
            assertThat(l.webSocket().allowedOrigins())
                    .containsExactly("https://app.example.com", "https://admin.example.com");
            assertThat(l.webSocket().trustedProxies()).containsExactly("10.0.0.5");
        }
        BrokerConfig overridden = parse("--config", conf.toString(), "--ws-port", "9090", "--host", "127.0.0.1");
        assertThat(overridden.listeners().get(1).port()).isEqualTo(9090);
        assertThat(overridden.listeners().get(1).host()).isEqualTo("127.0.0.1");
        assertThat(parse("--config", file("ws_port = 8080\nws_host = ::1\n").toString()).listeners().get(1).host())
                .isEqualTo("::1");

        Path noPort = file("ws_path = /x\n");
        assertThatThrownBy(() -> parse("--config", noPort.toString())).isInstanceOf(LaunchException.class)
                .hasMessage(noPort + ": WebSocket settings (ws_path) need ws_port or wss_port");
        assertBad("ws_port = 8080\nwss_port = 8443", 2, "wss_port needs a certificate: tls_certfile and tls_keyfile, or tls_keystore");
        assertBad("ws_port = 8080\nws_path = broker", 2, "bad value for 'ws_path': WebSocket path must start with '/'");
        assertBad("ws_port = 8080\nws_allowed_origins = app.example.com", 2,
                "bad value for 'ws_allowed_origins': an allowed origin is scheme://host[:port]");
        assertBad("ws_port = 8080\nws_trusted_proxies = proxy.local", 2,
                "bad value for 'ws_trusted_proxies': trusted proxies must be IP address literals");
        assertBad("ws_port = 80800", 1, "bad value for 'ws_port': port must be 0..65535");
    }

    @Test
    @DisplayName("the store: ./data and sync by default; --data-dir, --in-memory and the file's store keys")
    void storeSettings() throws IOException {
        StandaloneBroker.Launch defaults = StandaloneBroker.launch(new String[0]);
        assertThat(defaults.store().inMemory).isFalse();
        assertThat(defaults.store().directory).isEqualTo(Path.of("data"));
        assertThat(defaults.store().durability()).isEqualTo(io.starling.mqtt.store.Durability.SYNC);

        assertThat(StandaloneBroker.launch(new String[] {"--in-memory"}).store().inMemory).isTrue();
        assertThat(StandaloneBroker.launch(new String[] {"--data-dir", "/var/lib/starling"}).store().directory)
                .isEqualTo(Path.of("/var/lib/starling"));
        assertThatThrownBy(() -> StandaloneBroker.launch(new String[] {"--in-memory", "--data-dir", "x"}))
                .isInstanceOf(LaunchException.class).hasMessageStartingWith("--data-dir and --in-memory exclude each other");

        Path conf = file("data_dir = /srv/mqtt\ndurability = periodic\nsync_interval_ms = 250\n");
        StandaloneBroker.Launch fromFile = StandaloneBroker.launch(new String[] {"--config", conf.toString()});
        assertThat(fromFile.store().directory).isEqualTo(Path.of("/srv/mqtt"));
        assertThat(fromFile.store().durability()).isEqualTo(io.starling.mqtt.store.Durability.periodic(Duration.ofMillis(250)));
        assertThat(StandaloneBroker.launch(new String[] {"--config", conf.toString(), "--data-dir", "/other"}).store()
                .directory).as("the command line wins").isEqualTo(Path.of("/other"));
        assertThat(StandaloneBroker.launch(new String[] {"--config", file("in_memory = true\n").toString()}).store()
                .inMemory).isTrue();

        assertBad("durability = sometimes", 1, "bad value for 'durability': 'sometimes' is not one of sync, periodic");
        assertBad("port = 0\nsync_interval_ms = 0", 2, "bad value for 'sync_interval_ms': sync_interval_ms must be positive");
    }

    private void assertBad(String content, int line, String reason) throws IOException {
        Path config = file(content);
        assertThatThrownBy(() -> parse("--config", config.toString()))
                .as("%s", List.of(content))
                .isInstanceOf(LaunchException.class)
                .hasMessageStartingWith(config + " line " + line + ": " + reason);
    }
}
