package io.starling.mqtt.protocol;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.Authenticator;
import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.TlsSettings.CertificateIdentity;
import io.starling.mqtt.auth.CertificateIdentities;
import io.starling.mqtt.topic.TopicName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.api.Credentials;
import io.starling.mqtt.packet.Connect;
import io.starling.mqtt.packet.ConnectReturnCode;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Checks an accepted-by-the-decoder CONNECT against the broker's policies (client id, authentication), then asks
 * the registry for the session. The authenticator may answer later; its answer is brought back to the
 * connection's executor.
 */
final class ConnectHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectHandler.class);

    private ConnectHandler() {}

    /** Why the CONNECT's client id is refused with CONNACK 0x02, or null when it is acceptable. */
    private static String clientIdRefusal(Connect connect, BrokerConfig config) {
        String clientId = connect.clientId();
        if (!clientId.isEmpty()) {
            return clientId.getBytes(StandardCharsets.UTF_8).length > config.maxClientIdLength()
                    ? "client id longer than " + config.maxClientIdLength() + " bytes [MQTT-3.1.3-9]" : null;
        }
        if (connect.protocolLevel() == Connect.PROTOCOL_LEVEL_V31) {
            // MQTT 3.1 has no server-assigned ids: its client id is 1 to 23 characters (Mosquitto refuses too).
            return "empty client id from an MQTT 3.1 client (MQIsdp needs 1 to 23 characters)";
        }
        if (!connect.cleanSession()) {
            return "empty client id needs clean session 1 [MQTT-3.1.3-8]";
        }
        if (!config.allowZeroLengthClientId()) {
            return "empty client ids are not allowed by configuration [MQTT-3.1.3-9]";
        }
        return null;
    }

    static void handle(Connection connection, ProtocolContext context, Connect connect) {
        String clientId = connect.clientId();
        String remote = connection.channel().remoteAddress();
        String idRefusal = clientIdRefusal(connect, context.config());
        if (idRefusal != null) {
            String shown = clientId.isEmpty() ? "(empty)" : abbreviate(clientId);
            connection.identify(new ClientInfo(shown, connect.username(), remote), null, 0);
            connection.refuse(ConnectReturnCode.IDENTIFIER_REJECTED, idRefusal);
            return;
        }
        if (clientId.isEmpty()) {
            // A unique id, processed as if the client had sent it [MQTT-3.1.3-6].
            clientId = "starling-" + UUID.randomUUID();
        }
        ListenerPolicies.Policy listener = context.listeners().of(connection.channel().listenerName());
        String username = connect.username();
        String certificateIdentity = null;
        if (listener.identity() != CertificateIdentity.NONE) {
            // The verified certificate names the user, as Mosquitto's use_identity_as_username: a CONNECT user name
            // cannot claim someone else's identity on this listener.
            certificateIdentity = CertificateIdentities.of(connection.channel().peerCertificates(), listener.identity());
            if (certificateIdentity == null) {
                connection.identify(new ClientInfo(clientId, username, remote), null, 0);
                refuseLogin(connection, context, ConnectReturnCode.NOT_AUTHORIZED, "the client certificate has no "
                        + listener.identity() + " to use as user name (listener " + listener.listener().name() + ")");
                return;
            }
            username = certificateIdentity;
        }
        ClientInfo client = new ClientInfo(clientId, username, remote);
        connection.identify(client, connect.will(), connect.keepAliveSeconds());

        if (!listener.anonymousAllowed() && certificateIdentity == null) {
            if (username == null) {
                refuseLogin(connection, context, ConnectReturnCode.NOT_AUTHORIZED, "anonymous clients are not allowed"
                        + " on listener " + listener.listener().name() + " (no user name given)");
                return;
            }
            if (context.config().authenticator() == Authenticator.ALLOW_ALL) {
                // Safe default: a listener other hosts can reach, with nothing configured to check passwords.
                refuseLogin(connection, context, ConnectReturnCode.NOT_AUTHORIZED, "listener "
                        + listener.listener().name() + " requires authentication but no authenticator is configured");
                return;
            }
        }
        if (connect.will() != null && !willPermitted(connection, context, client, connect.will().topic())) {
            return;
        }
        if (username == null && context.config().allowAnonymous().orElse(false)) {
            // Anonymous access allowed explicitly, as Mosquitto's allow_anonymous true: no credential to check.
            onAuthenticated(connection, context, connect, AuthenticationResult.ACCEPTED, null);
            return;
        }
        Credentials credentials = new Credentials(client, connect.password(),
                connection.channel().peerCertificates(), certificateIdentity);
        long delay = context.authThrottle().delayNanos(AuthFailureThrottle.hostOf(remote));
        if (delay > 0) {
            context.stats().onLoginDelayed();
            LOG.info("client {} from {}: login delayed {} ms after repeated failures from this address", clientId,
                    remote, delay / 1_000_000);
            context.delayedTasks().schedule(connection.channel().executor(), () -> {
                if (connection.isConnecting()) {
                    authenticate(connection, context, connect, credentials);
                }
            }, delay);
            return;
        }
        authenticate(connection, context, connect, credentials);
    }

    private static void authenticate(Connection connection, ProtocolContext context, Connect connect,
                                     Credentials credentials) {
        CompletionStage<AuthenticationResult> answer;
        try {
            answer = context.config().authenticator().authenticate(credentials);
        } catch (RuntimeException e) {
            connection.refuse(ConnectReturnCode.SERVER_UNAVAILABLE, "authenticator failed: " + e);
            return;
        }
        if (answer instanceof CompletableFuture<AuthenticationResult> done && done.isDone()) {
            if (done.isCompletedExceptionally()) {
                onAuthenticated(connection, context, connect, null, failure(done));
            } else {
                onAuthenticated(connection, context, connect, done.getNow(null), null);
            }
            return;
        }
        answer.whenComplete((result, error) -> connection.channel().executor()
                .execute(() -> onAuthenticated(connection, context, connect, result, error)));
    }

    /**
     * A will is a publish the client makes later: refused with 0x05 when it breaks a topic limit or the authorizer
     * says no, as Mosquitto 2 does. Counted as what it is, not as a failed login (which would slow the address).
     */
    private static boolean willPermitted(Connection connection, ProtocolContext context, ClientInfo client,
                                         TopicName topic) {
        String overLimit = TopicLimits.violation(context.config(), topic.value());
        if (overLimit != null) {
            context.stats().onLimitViolation();
            connection.refuse(ConnectReturnCode.NOT_AUTHORIZED, "will refused: " + overLimit);
            return false;
        }
        boolean allowed;
        try {
            allowed = context.config().authorizer().canPublish(client, topic);
        } catch (RuntimeException e) {
            throw new TransientFailure("authorizer.canPublish", e);
        }
        if (!allowed) {
            context.stats().onPublishDenied();
            connection.refuse(ConnectReturnCode.NOT_AUTHORIZED, "will topic " + topic + " not authorized");
        }
        return allowed;
    }

    /** A refused login: counted per address so repeated failures are slowed down. */
    private static void refuseLogin(Connection connection, ProtocolContext context, ConnectReturnCode code,
                                    String reason) {
        context.stats().onAuthenticationFailure();
        context.authThrottle().onFailure(AuthFailureThrottle.hostOf(connection.channel().remoteAddress()));
        connection.refuse(code, reason);
    }

    private static void onAuthenticated(Connection connection, ProtocolContext context, Connect connect,
                                        AuthenticationResult result, Throwable error) {
        if (!connection.isConnecting()) {
            return;
        }
        if (error != null || result == null) {
            connection.refuse(ConnectReturnCode.SERVER_UNAVAILABLE, "authenticator failed: " + error);
            return;
        }
        switch (result) {
            case BAD_USERNAME_OR_PASSWORD -> refuseLogin(connection, context,
                    ConnectReturnCode.BAD_USERNAME_OR_PASSWORD, "bad user name or password");
            case NOT_AUTHORIZED -> refuseLogin(connection, context, ConnectReturnCode.NOT_AUTHORIZED, "not authorized");
            case ACCEPTED -> context.registry().acquire(connection.client().clientId(), connect.cleanSession(),
                    connection.channel().executor(), connection, connection::onSessionReady);
        }
    }

    private static Throwable failure(CompletableFuture<?> future) {
        try {
            future.join();
            return null;
        } catch (RuntimeException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    private static String abbreviate(String id) {
        return id.length() <= 64 ? id : id.substring(0, 64) + "...";
    }
}
