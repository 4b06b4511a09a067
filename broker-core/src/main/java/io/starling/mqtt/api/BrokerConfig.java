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
    /** Name of the plain TCP listener on {@link #host()}:{@link #port()}. */
    public static final String DEFAULT_LISTENER = "default";

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
    private final boolean tcpListener;
    private final List<Listener> listeners;
    private final Boolean allowAnonymous;
    private final int maxConnections;
    private final int maxTopicLength;
    private final int maxTopicLevels;
    private final int maxSubscriptionsPerClient;
    private final long maxQueuedBytes;
    private final int authFailureThreshold;
    private final Duration authFailureDelay;
    private final FlowControl flowControl;

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
        this.tcpListener = b.tcpListener;
        this.listeners = List.copyOf(b.listeners);
        this.allowAnonymous = b.allowAnonymous;
        this.maxConnections = b.maxConnections;
        this.maxTopicLength = b.maxTopicLength;
        this.maxTopicLevels = b.maxTopicLevels;
        this.maxSubscriptionsPerClient = b.maxSubscriptionsPerClient;
        this.maxQueuedBytes = b.maxQueuedBytes;
        this.authFailureThreshold = b.authFailureThreshold;
        this.authFailureDelay = b.authFailureDelay;
        this.flowControl = b.flowControl;
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
        b.tcpListener = tcpListener;
        b.listeners = new ArrayList<>(listeners);
        b.allowAnonymous = allowAnonymous;
        b.maxConnections = maxConnections;
        b.maxTopicLength = maxTopicLength;
        b.maxTopicLevels = maxTopicLevels;
        b.maxSubscriptionsPerClient = maxSubscriptionsPerClient;
        b.maxQueuedBytes = maxQueuedBytes;
        b.authFailureThreshold = authFailureThreshold;
        b.authFailureDelay = authFailureDelay;
        b.flowControl = flowControl;
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

    /** Whether the plain TCP listener on {@link #host()}:{@link #port()} is started; default true. */
    public boolean tcpListener() {
        return tcpListener;
    }

    /**
     * Every listener the broker starts: the plain TCP one on {@link #host()}:{@link #port()} (named
     * {@code default}) unless switched off, then the added ones in order.
     */
    public List<Listener> listeners() {
        List<Listener> all = new ArrayList<>(listeners.size() + 1);
        if (tcpListener) {
            all.add(Listener.tcp(DEFAULT_LISTENER, host, port));
        }
        all.addAll(listeners);
        return all;
    }

    /**
     * Whether clients that present no user name (and no certificate identity) are accepted: explicitly set, or
     * empty when left to the safe default, which {@link #anonymousAllowedOn(Listener)} decides per listener.
     */
    public java.util.Optional<Boolean> allowAnonymous() {
        return java.util.Optional.ofNullable(allowAnonymous);
    }

    /**
     * The safe default, as Mosquitto 2: unless set explicitly, anonymous clients are accepted on loopback
     * listeners only; a listener other hosts can reach requires authentication.
     */
    public boolean anonymousAllowedOn(Listener listener) {
        return allowAnonymous != null ? allowAnonymous : listener.isLoopback();
    }

    /** Open client connections (all listeners together) beyond which new ones are closed at once. */
    public int maxConnections() {
        return maxConnections;
    }

    /** Longest topic name or filter accepted, in UTF-8 bytes. */
    public int maxTopicLength() {
        return maxTopicLength;
    }

    /** Most levels ({@code /}-separated parts) a topic name or filter may have. */
    public int maxTopicLevels() {
        return maxTopicLevels;
    }

    /** Subscriptions one session may hold; a SUBSCRIBE beyond it gets 0x80 for the filters that do not fit. */
    public int maxSubscriptionsPerClient() {
        return maxSubscriptionsPerClient;
    }

    /** Payload bytes of QoS 1/2 messages a session may hold queued; beyond it the overflow policy applies. */
    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    /** Failed logins from one address, within a minute, after which its further attempts are answered late. */
    public int authFailureThreshold() {
        return authFailureThreshold;
    }

    /** The first delay past the threshold; it doubles with each further failure, up to 30 s. Zero switches it off. */
    public Duration authFailureDelay() {
        return authFailureDelay;
    }

    /** Rate limits, overload protection and write buffers (docs/flow-control.md). */
    public FlowControl flowControl() {
        return flowControl;
    }

    @Override
    public String toString() {
        return "BrokerConfig[host=" + host + ", port=" + port + ", maxPacketSize=" + maxPacketSize
                + ", maxClientIdLength=" + maxClientIdLength + ", allowZeroLengthClientId=" + allowZeroLengthClientId
                + ", connectTimeout=" + connectTimeout + ", maxInflight=" + maxInflight
                + ", maxQueuedMessages=" + maxQueuedMessages + ", queueOverflowPolicy=" + queueOverflowPolicy
                + ", queueQos0WhenOffline=" + queueQos0WhenOffline + ", wildcardSubscriptions=" + wildcardSubscriptions
                + ", unauthorizedPublishPolicy=" + unauthorizedPublishPolicy + ", nativeTransport=" + nativeTransport + ", ioThreads=" + ioThreads + ", sysInterval=" + sysInterval + ", interceptors=" + interceptors.size()
                + ", interceptorTimeout=" + interceptorTimeout + ", tcpListener=" + tcpListener + ", listeners=" + listeners
                + ", allowAnonymous=" + allowAnonymous + ", maxConnections=" + maxConnections
                + ", maxTopicLength=" + maxTopicLength + ", maxTopicLevels=" + maxTopicLevels
                + ", maxSubscriptionsPerClient=" + maxSubscriptionsPerClient + ", maxQueuedBytes=" + maxQueuedBytes
                + ", authFailureThreshold=" + authFailureThreshold + ", authFailureDelay=" + authFailureDelay
                + ", flowControl=" + flowControl + "]";
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
        private boolean tcpListener = true;
        private List<Listener> listeners = new ArrayList<>();
        private int maxConnections = 100_000;
        private int maxTopicLength = 65_535;
        private int maxTopicLevels = 200;
        private int maxSubscriptionsPerClient = 10_000;
        private long maxQueuedBytes = 64L * 1024 * 1024;
        private int authFailureThreshold = 5;
        private Duration authFailureDelay = Duration.ofSeconds(1);
        private Boolean allowAnonymous;
        private FlowControl flowControl = FlowControl.DEFAULTS;

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

        /** Switches the plain TCP listener on {@code host:port} on or off (off for a TLS-only broker). */
        public Builder tcpListener(boolean value) {
            this.tcpListener = value;
            return this;
        }

        /** Adds a listener (TLS, or another plain address) next to the default one. */
        public Builder listener(Listener value) {
            this.listeners.add(Objects.requireNonNull(value, "listener"));
            return this;
        }

        /** Accepts (true) or refuses (false) clients without a user name on every listener, overriding the default. */
        public Builder allowAnonymous(boolean value) {
            this.allowAnonymous = value;
            return this;
        }

        public Builder maxConnections(int value) {
            this.maxConnections = value;
            return this;
        }

        public Builder maxTopicLength(int value) {
            this.maxTopicLength = value;
            return this;
        }

        public Builder maxTopicLevels(int value) {
            this.maxTopicLevels = value;
            return this;
        }

        public Builder maxSubscriptionsPerClient(int value) {
            this.maxSubscriptionsPerClient = value;
            return this;
        }

        public Builder maxQueuedBytes(long value) {
            this.maxQueuedBytes = value;
            return this;
        }

        public Builder authFailureThreshold(int value) {
            this.authFailureThreshold = value;
            return this;
        }

        public Builder authFailureDelay(Duration value) {
            this.authFailureDelay = Objects.requireNonNull(value, "authFailureDelay");
            return this;
        }

        /** Rate limits, overload protection and write buffers (docs/flow-control.md). */
        public Builder flowControl(FlowControl value) {
            this.flowControl = Objects.requireNonNull(value, "flowControl");
            return this;
        }

        /** Changes one part of the flow settings, keeping the rest (for configuration files). */
        public Builder updateFlowControl(java.util.function.UnaryOperator<FlowControl> change) {
            return flowControl(change.apply(flowControl));
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
            require(maxConnections >= 1, "maxConnections must be >= 1, was " + maxConnections);
            require(maxTopicLength >= 1 && maxTopicLength <= 65_535,
                    "maxTopicLength must be 1..65535 bytes, was " + maxTopicLength);
            require(maxTopicLevels >= 1 && maxTopicLevels <= 65_535, "maxTopicLevels must be 1..65535, was " + maxTopicLevels);
            require(maxSubscriptionsPerClient >= 1,
                    "maxSubscriptionsPerClient must be >= 1, was " + maxSubscriptionsPerClient);
            require(maxQueuedBytes >= 0, "maxQueuedBytes must be >= 0, was " + maxQueuedBytes);
            require(authFailureThreshold >= 1, "authFailureThreshold must be >= 1, was " + authFailureThreshold);
            require(!authFailureDelay.isNegative(), "authFailureDelay must not be negative");
            java.util.Set<String> names = new java.util.HashSet<>();
            if (tcpListener) {
                names.add(DEFAULT_LISTENER);
            }
            for (Listener l : listeners) {
                require(names.add(l.name()), "listener name '" + l.name() + "' is used twice");
            }
            require(!names.isEmpty(), "at least one listener is needed (tcpListener is off and none was added)");
            return new BrokerConfig(this);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
