package io.starling.mqtt.engine;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.BrokerStats;
import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.api.InProcessSubscription;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.MessageListener;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.flow.FlowController;
import io.starling.mqtt.delivery.InMemoryRetainedStore;
import io.starling.mqtt.delivery.StoredRetainedStore;
import io.starling.mqtt.spi.SessionStore;
import io.starling.mqtt.delivery.Router;
import io.starling.mqtt.protocol.Connection;
import io.starling.mqtt.protocol.AuthFailureThrottle;
import io.starling.mqtt.protocol.DelayedTasks;
import io.starling.mqtt.protocol.ListenerPolicies;
import io.starling.mqtt.protocol.OpenConnections;
import io.starling.mqtt.protocol.ProtocolContext;
import io.starling.mqtt.session.InterceptorChain;
import io.starling.mqtt.session.SessionRegistry;
import io.starling.mqtt.session.Subscriber;
import io.starling.mqtt.spi.ClientChannel;
import io.starling.mqtt.spi.RetainedStore;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicTrie;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The composition root of the broker's domain: index, registry, router, retained store, and the thread that runs
 * in-process listeners. A transport creates one {@link Connection} per accepted network connection.
 */
public final class BrokerEngine implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BrokerEngine.class);
    private final BrokerConfig config;
    private final BrokerStats stats = new BrokerStats();
    private final TopicTrie<Subscriber, QoS> index = new TopicTrie<>();
    private final RetainedStore retained;
    private final SessionStore store;
    // Runs deliveries to restored sessions until their clients come back; created only when there are any.
    private ExecutorService offlineExecutor;
    private final SessionRegistry registry;
    private final Router router;
    private final ProtocolContext protocolContext;
    private final ExecutorService listenerExecutor;
    private final BrokerAdmin admin;
    private final InterceptorChain interceptors;
    private final SysTopicsPublisher sysTopics;
    private final DelayedTasks delayedTasks;
    private final FlowController flow;

    public BrokerEngine(BrokerConfig config) {
        this(config, SessionStore.NONE);
    }

    /**
     * An engine whose persistent sessions, retained messages and wills live in {@code store}: what it holds is
     * restored here, before any connection, and the engine closes it on {@link #close()}.
     */
    public BrokerEngine(BrokerConfig config, SessionStore store) {
        this.config = config;
        this.store = store;
        this.retained = store == SessionStore.NONE ? new InMemoryRetainedStore() : new StoredRetainedStore(store);
        this.interceptors = new InterceptorChain(config.interceptors(), config.interceptorTimeout(), stats,
                "starling-interceptors");
        this.registry = new SessionRegistry(config, stats, index, interceptors, store);
        this.router = new Router(index, retained);
        this.delayedTasks = new DelayedTasks("starling-timer");
        // The longest login delay stays below the CONNECT timeout, so a slowed client still gets its answer.
        Duration fourFifths = config.connectTimeout().multipliedBy(4).dividedBy(5);
        Duration maxDelay = fourFifths.compareTo(Duration.ofSeconds(30)) < 0 ? fourFifths : Duration.ofSeconds(30);
        this.flow = new FlowController(config.flowControl(), stats);
        this.protocolContext = new ProtocolContext(config, stats, registry, router, retained, interceptors,
                new ListenerPolicies(config), new OpenConnections(config.maxConnections()),
                new AuthFailureThrottle(config.authFailureThreshold(), config.authFailureDelay(), maxDelay,
                        System::nanoTime), delayedTasks, flow);
        this.admin = new BrokerAdmin(registry, retained, flow);
        this.sysTopics = new SysTopicsPublisher(config.sysInterval(), stats, registry, index::size, retained, router);
        // One thread keeps in-process deliveries in publish order and off the event loops.
        this.listenerExecutor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "starling-listeners");
            t.setDaemon(true);
            return t;
        });
        if (store != SessionStore.NONE) {
            recover();
        }
    }

    /** Sessions, retained messages, then wills: a will may go to a restored session. */
    private void recover() {
        long start = System.nanoTime();
        SessionStore.Recovery recovered = store.recover();
        if (!recovered.sessions().isEmpty()) {
            offlineExecutor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "starling-offline-sessions");
                t.setDaemon(true);
                return t;
            });
        }
        long messages = 0;
        for (SessionStore.StoredSession session : recovered.sessions()) {
            registry.restore(session, offlineExecutor);
            messages += session.messages().size();
        }
        for (Message message : recovered.retained()) {
            ((StoredRetainedStore) retained).load(message);
        }
        // Their connections ended with the process, not with DISCONNECT [MQTT-3.1.2-8].
        recovered.wills().forEach((clientId, will) -> {
            router.publish(will.toMessage());
            store.removeWill(clientId);
        });
        boolean empty = recovered.sessions().isEmpty() && recovered.retained().isEmpty() && recovered.wills().isEmpty();
        // A fresh store is no news; a restore is, with what and how long.
        if (!empty || LOG.isDebugEnabled()) {
            String line = "session store {}: restored {} sessions, {} queued or in-flight messages, {} retained "
                    + "messages and published {} wills in {} ms";
            Object[] values = {store, recovered.sessions().size(), messages, recovered.retained().size(),
                    recovered.wills().size(), (System.nanoTime() - start) / 1_000_000};
            if (empty) {
                LOG.debug(line, values);
            } else {
                LOG.info(line, values);
            }
        }
    }

    public SessionStore store() {
        return store;
    }

    /** Starts the broker's own background work ($SYS topics); {@code name} prefixes its thread names. */
    public void start(String name) {
        warnAboutClosedListeners();
        sysTopics.start(name + "-sys");
        flow.start(name + "-flow");
    }

    /** The safe default refuses everyone on such a listener: say so once, loudly, rather than let it surprise. */
    private void warnAboutClosedListeners() {
        if (config.authenticator() != io.starling.mqtt.api.Authenticator.ALLOW_ALL) {
            return;
        }
        for (io.starling.mqtt.api.Listener l : config.listeners()) {
            boolean certificates = l.isTls() && l.tls().identity() != io.starling.mqtt.api.TlsSettings.CertificateIdentity.NONE;
            if (!certificates && !protocolContext.listeners().of(l.name()).anonymousAllowed()) {
                LOG.warn("listener {} on {}:{} is reachable from other hosts but no authenticator is configured: every "
                        + "client will be refused (CONNACK 0x05). Configure a password file or authenticator, or "
                        + "allow anonymous access explicitly (docs/security.md).", l.name(), l.host(), l.port());
            }
        }
    }

    /** Open network connections, all listeners together. */
    public int openConnections() {
        return protocolContext.openConnections().current();
    }

    public Connection newConnection(ClientChannel channel) {
        return new Connection(channel, protocolContext);
    }

    /**
     * Publishes as the embedding application. With an interceptor that answers later, the message is routed when
     * the decision arrives, so two such publishes from one thread may be routed in the order of their decisions.
     */
    public void publish(Message message) {
        if (interceptors.isEmpty()) {
            router.publish(message);
            return;
        }
        interceptors.onPublish(ClientInfo.IN_PROCESS, message).thenAccept(decided -> {
            if (decided != null) {
                router.publish(decided);
            }
        });
    }

    public InProcessSubscription subscribe(String filter, QoS qos, MessageListener listener) {
        TopicFilter topicFilter = TopicFilter.of(filter);
        InProcessSubscriber subscriber = new InProcessSubscriber(topicFilter, qos, listener, listenerExecutor, index);
        index.put(topicFilter, subscriber, qos);
        // Retained messages first, as for a network subscriber [MQTT-3.3.1-6].
        retained.forEachMatching(topicFilter, m -> subscriber.deliver(m, QoS.min(m.qos(), qos)));
        return subscriber;
    }

    /** Sessions, disconnects and retained messages for the embedding application. */
    public BrokerAdmin admin() {
        return admin;
    }

    public BrokerConfig config() {
        return config;
    }

    /** Rate limits and the overload controller; the transport gives it its load signals. */
    public FlowController flow() {
        return flow;
    }

    public BrokerStats stats() {
        return stats;
    }

    public SessionRegistry sessions() {
        return registry;
    }

    public RetainedStore retained() {
        return retained;
    }

    public TopicTrie<Subscriber, QoS> index() {
        return index;
    }

    @Override
    public void close() {
        sysTopics.close();
        flow.close();
        delayedTasks.close();
        interceptors.close();
        if (offlineExecutor != null) {
            offlineExecutor.shutdown();
        }
        // Last: everything the connections and sessions wrote is made durable.
        store.close();
        listenerExecutor.shutdown();
        try {
            if (!listenerExecutor.awaitTermination(500, TimeUnit.MILLISECONDS)) {
                listenerExecutor.shutdownNow();
            }
        } catch (InterruptedException e) {
            listenerExecutor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
