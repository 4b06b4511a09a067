package io.starling.mqtt.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a broker runs with, immutable once built. Defaults are safe for a broker on loopback; see
 * docs/configuration.md for every option, its unit and why the default is what it is.
 */
public final class BrokerConfig {
    /** The MQTT maximum: 268,435,455 bytes of remaining length plus a five-byte fixed header. */
    public static final int PROTOCOL_MAX_PACKET_SIZE = 268_435_455 + 5;

    private final String host;
    private final int port;
    private final int maxPacketSize;
    private final int maxClientIdLength;
    private final boolean allowZeroLengthClientId;
    private final Duration connectTimeout;
    private final int maxInflight;
    private final int maxQueuedMessages;
    private final QueueOverflowPolicy queueOverflowPolicy;
    private final boolean queueQos0WhenOffline;
    private final boolean wildcardSubscriptions;
    private final Authenticator authenticator;
    private final Authorizer authorizer;
    private final UnauthorizedPublishPolicy unauthorizedPublishPolicy;
    private final boolean nativeTransport;
    private final int ioThreads;
    private final Duration sysInterval;
    private final List<Interceptor> interceptors;
    private final Duration interceptorTimeout;

    private BrokerConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.maxPacketSize = b.maxPacketSize;
        this.maxClientIdLength = b.maxClientIdLength;
        this.allowZeroLengthClientId = b.allowZeroLengthClientId;
        this.connectTimeout = b.connectTimeout;
        this.maxInflight = b.maxInflight;
        this.maxQueuedMessages = b.maxQueuedMessages;
        this.queueOverflowPolicy = b.queueOverflowPolicy;
        this.queueQos0WhenOffline = b.queueQos0WhenOffline;
        this.wildcardSubscriptions = b.wildcardSubscriptions;
        this.authenticator = b.authenticator;
        this.authorizer = b.authorizer;
        this.unauthorizedPublishPolicy = b.unauthorizedPublishPolicy;
        this.nativeTransport = b.nativeTransport;
        this.ioThreads = b.ioThreads;
        this.sysInterval = b.sysInterval;
        this.interceptors = List.copyOf(b.interceptors);
        this.interceptorTimeout = b.interceptorTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static BrokerConfig defaults() {
        return builder().build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.maxPacketSize = maxPacketSize;
        b.maxClientIdLength = maxClientIdLength;
        b.allowZeroLengthClientId = allowZeroLengthClientId;
        b.connectTimeout = connectTimeout;
        b.maxInflight = maxInflight;
        b.maxQueuedMessages = maxQueuedMessages;
        b.queueOverflowPolicy = queueOverflowPolicy;
        b.queueQos0WhenOffline = queueQos0WhenOffline;
        b.wildcardSubscriptions = wildcardSubscriptions;
        b.authenticator = authenticator;
        b.authorizer = authorizer;
        b.unauthorizedPublishPolicy = unauthorizedPublishPolicy;
        b.nativeTransport = nativeTransport;
        b.ioThreads = ioThreads;
        b.sysInterval = sysInterval;
        b.interceptors = new ArrayList<>(interceptors);
        b.interceptorTimeout = interceptorTimeout;
        return b;
    }

    /** Address the TCP listener binds; default {@code 127.0.0.1}. */
    public String host() {
        return host;
    }

    /** TCP port; 0 picks a free port. Default 1883. */
    public int port() {
        return port;
    }

    /** Largest packet accepted, fixed header included, checked on the declared length before buffering. */
    public int maxPacketSize() {
        return maxPacketSize;
    }

    /** Longest client id accepted, in UTF-8 bytes; longer ids get CONNACK 0x02 [MQTT-3.1.3-9]. */
    public int maxClientIdLength() {
        return maxClientIdLength;
    }

    /** Whether a zero-length client id with clean session gets a generated id [MQTT-3.1.3-6]. */
    public boolean allowZeroLengthClientId() {
        return allowZeroLengthClientId;
    }

    /** A connection that has not sent a complete CONNECT within this time is closed. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Outbound QoS 1/2 messages awaiting acknowledgement per session. */
    public int maxInflight() {
        return maxInflight;
    }

    /** QoS 1/2 messages a session holds beyond its inflight window (online or offline). */
    public int maxQueuedMessages() {
        return maxQueuedMessages;
    }

    public QueueOverflowPolicy queueOverflowPolicy() {
        return queueOverflowPolicy;
    }

    /** Whether QoS 0 messages are queued for offline persistent sessions (MQTT allows it; default off). */
    public boolean queueQos0WhenOffline() {
        return queueQos0WhenOffline;
    }

    /** Whether filters with {@code +} and {@code #} are accepted; when off they get SUBACK 0x80 [MQTT-3.8.3-2]. */
    public boolean wildcardSubscriptions() {
        return wildcardSubscriptions;
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    public Authorizer authorizer() {
        return authorizer;
    }

    public UnauthorizedPublishPolicy unauthorizedPublishPolicy() {
        return unauthorizedPublishPolicy;
    }

    /** Whether the transport may use a native I/O library (Linux epoll) when one loads; NIO otherwise. */
    public boolean nativeTransport() {
        return nativeTransport;
    }

    /** Event-loop threads serving connections; default: half the available processors, at least one. */
    public int ioThreads() {
        return ioThreads;
    }

    /** How often the {@code $SYS/broker/...} topics are published; zero (the default) switches them off. */
    public Duration sysInterval() {
        return sysInterval;
    }

    /** Interceptors, called in this order. */
    public List<Interceptor> interceptors() {
        return interceptors;
    }

    /** How long a publish decision may take before the message is refused. Default 5 s. */
    public Duration interceptorTimeout() {
        return interceptorTimeout;
    }

    @Override
    public String toString() {
        return "BrokerConfig[host=" + host + ", port=" + port + ", maxPacketSize=" + maxPacketSize
                + ", maxClientIdLength=" + maxClientIdLength + ", allowZeroLengthClientId=" + allowZeroLengthClientId
                + ", connectTimeout=" + connectTimeout + ", maxInflight=" + maxInflight
                + ", maxQueuedMessages=" + maxQueuedMessages + ", queueOverflowPolicy=" + queueOverflowPolicy
                + ", queueQos0WhenOffline=" + queueQos0WhenOffline + ", wildcardSubscriptions=" + wildcardSubscriptions
                + ", unauthorizedPublishPolicy=" + unauthorizedPublishPolicy + ", nativeTransport=" + nativeTransport + ", ioThreads=" + ioThreads + ", sysInterval=" + sysInterval + ", interceptors=" + interceptors.size()
                + ", interceptorTimeout=" + interceptorTimeout + "]";
    }

    /** Collects settings; {@link #build()} checks them together. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 1883;
        private int maxPacketSize = 16 * 1024 * 1024;
        private int maxClientIdLength = 256;
        private boolean allowZeroLengthClientId = true;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private int maxInflight = 32;
        private int maxQueuedMessages = 1000;
        private QueueOverflowPolicy queueOverflowPolicy = QueueOverflowPolicy.DISCARD_SESSION;
        private boolean queueQos0WhenOffline;
        private boolean wildcardSubscriptions = true;
        private Authenticator authenticator = Authenticator.ALLOW_ALL;
        private Authorizer authorizer = Authorizer.ALLOW_ALL;
        private UnauthorizedPublishPolicy unauthorizedPublishPolicy = UnauthorizedPublishPolicy.ACKNOWLEDGE_AND_DROP;
        private boolean nativeTransport = true;
        // Half the processors: see docs/decisions/0007-io-threads-default.md.
        private int ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        // Off in the library: an embedded or test broker should hold no retained messages it was not given.
        // The standalone launcher switches it on (10 s, as Mosquitto).
        private Duration sysInterval = Duration.ZERO;
        private List<Interceptor> interceptors = new ArrayList<>();
        private Duration interceptorTimeout = Duration.ofSeconds(5);

        private Builder() {}

        public Builder host(String value) {
            this.host = Objects.requireNonNull(value, "host");
            return this;
        }

        public Builder port(int value) {
            this.port = value;
            return this;
        }

        public Builder maxPacketSize(int value) {
            this.maxPacketSize = value;
            return this;
        }

        public Builder maxClientIdLength(int value) {
            this.maxClientIdLength = value;
            return this;
        }

        public Builder allowZeroLengthClientId(boolean value) {
            this.allowZeroLengthClientId = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = Objects.requireNonNull(value, "connectTimeout");
            return this;
        }

        public Builder maxInflight(int value) {
            this.maxInflight = value;
            return this;
        }

        public Builder maxQueuedMessages(int value) {
            this.maxQueuedMessages = value;
            return this;
        }

        public Builder queueOverflowPolicy(QueueOverflowPolicy value) {
            this.queueOverflowPolicy = Objects.requireNonNull(value, "queueOverflowPolicy");
            return this;
        }

        public Builder queueQos0WhenOffline(boolean value) {
            this.queueQos0WhenOffline = value;
            return this;
        }

        public Builder wildcardSubscriptions(boolean value) {
            this.wildcardSubscriptions = value;
            return this;
        }

        public Builder authenticator(Authenticator value) {
            this.authenticator = Objects.requireNonNull(value, "authenticator");
            return this;
        }

        public Builder authorizer(Authorizer value) {
            this.authorizer = Objects.requireNonNull(value, "authorizer");
            return this;
        }

        public Builder unauthorizedPublishPolicy(UnauthorizedPublishPolicy value) {
            this.unauthorizedPublishPolicy = Objects.requireNonNull(value, "unauthorizedPublishPolicy");
            return this;
        }

        public Builder nativeTransport(boolean value) {
            this.nativeTransport = value;
            return this;
        }

        public Builder ioThreads(int value) {
            this.ioThreads = value;
            return this;
        }

        public Builder sysInterval(Duration value) {
            this.sysInterval = Objects.requireNonNull(value, "sysInterval");
            return this;
        }

        /** Adds an interceptor; interceptors are called in the order they were added. */
        public Builder interceptor(Interceptor value) {
            this.interceptors.add(Objects.requireNonNull(value, "interceptor"));
            return this;
        }

        public Builder interceptorTimeout(Duration value) {
            this.interceptorTimeout = Objects.requireNonNull(value, "interceptorTimeout");
            return this;
        }

        public BrokerConfig build() {
            require(port >= 0 && port <= 65_535, "port must be 0..65535, was " + port);
            require(maxPacketSize >= 64 && maxPacketSize <= PROTOCOL_MAX_PACKET_SIZE,
                    "maxPacketSize must be 64.." + PROTOCOL_MAX_PACKET_SIZE + " bytes, was " + maxPacketSize);
            require(maxClientIdLength >= 23 && maxClientIdLength <= 65_535,
                    "maxClientIdLength must be 23..65535 (MQTT requires 23 to be accepted), was " + maxClientIdLength);
            require(!connectTimeout.isNegative() && !connectTimeout.isZero(), "connectTimeout must be positive");
            require(maxInflight >= 1 && maxInflight <= 65_535, "maxInflight must be 1..65535, was " + maxInflight);
            require(maxQueuedMessages >= 0, "maxQueuedMessages must be >= 0, was " + maxQueuedMessages);
            require(!host.isBlank(), "host must not be blank");
            require(!interceptorTimeout.isNegative() && !interceptorTimeout.isZero(), "interceptorTimeout must be positive");
            require(!sysInterval.isNegative() && (sysInterval.isZero() || sysInterval.toMillis() >= 10),
                    "sysInterval must be zero (off) or at least 10 ms, was " + sysInterval);
            require(ioThreads >= 1 && ioThreads <= 1024, "ioThreads must be 1..1024, was " + ioThreads);
            return new BrokerConfig(this);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
