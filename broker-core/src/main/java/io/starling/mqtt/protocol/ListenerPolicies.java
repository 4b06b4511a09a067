package io.starling.mqtt.protocol;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.Listener;
import io.starling.mqtt.api.TlsSettings.CertificateIdentity;
import java.util.HashMap;
import java.util.Map;

/**
 * Per listener, decided once at start (name resolution included) rather than on every CONNECT: whether anonymous
 * clients are accepted and what a client certificate contributes.
 */
public final class ListenerPolicies {
    /** What a connection accepted by one listener is subject to. */
    public record Policy(Listener listener, boolean anonymousAllowed, CertificateIdentity identity) {}

    private final Map<String, Policy> byName = new HashMap<>();
    private final Policy fallback;

    public ListenerPolicies(BrokerConfig config) {
        for (Listener l : config.listeners()) {
            byName.put(l.name(), new Policy(l, config.anonymousAllowedOn(l),
                    l.isTls() ? l.tls().identity() : CertificateIdentity.NONE));
        }
        // A transport that names no listener we know (a test channel) gets the default listener's rules.
        Listener base = Listener.tcp(BrokerConfig.DEFAULT_LISTENER, config.host(), config.port());
        Policy def = byName.get(BrokerConfig.DEFAULT_LISTENER);
        this.fallback = def != null ? def : new Policy(base, config.anonymousAllowedOn(base), CertificateIdentity.NONE);
    }

    public Policy of(String listenerName) {
        Policy p = byName.get(listenerName);
        return p != null ? p : fallback;
    }
}
