package io.starling.mqtt.protocol;

import io.starling.mqtt.api.AuthenticationResult;
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
    private ConnectHandler() {}

    static void handle(Connection connection, ProtocolContext context, Connect connect) {
        String clientId = connect.clientId();
        String remote = connection.channel().remoteAddress();
        if (clientId.isEmpty()) {
            if (!connect.cleanSession()) {
                connection.identify(new ClientInfo("(empty)", connect.username(), remote), null, 0);
                connection.refuse(ConnectReturnCode.IDENTIFIER_REJECTED,
                        "empty client id needs clean session 1 [MQTT-3.1.3-8]");
                return;
            }
            if (!context.config().allowZeroLengthClientId()) {
                connection.identify(new ClientInfo("(empty)", connect.username(), remote), null, 0);
                connection.refuse(ConnectReturnCode.IDENTIFIER_REJECTED,
                        "empty client ids are not allowed by configuration [MQTT-3.1.3-9]");
                return;
            }
            // A unique id, processed as if the client had sent it [MQTT-3.1.3-6].
            clientId = "starling-" + UUID.randomUUID();
        } else if (clientId.getBytes(StandardCharsets.UTF_8).length > context.config().maxClientIdLength()) {
            connection.identify(new ClientInfo(abbreviate(clientId), connect.username(), remote), null, 0);
            connection.refuse(ConnectReturnCode.IDENTIFIER_REJECTED,
                    "client id longer than " + context.config().maxClientIdLength() + " bytes [MQTT-3.1.3-9]");
            return;
        }
        ClientInfo client = new ClientInfo(clientId, connect.username(), remote);
        connection.identify(client, connect.will(), connect.keepAliveSeconds());

        CompletionStage<AuthenticationResult> answer;
        try {
            answer = context.config().authenticator().authenticate(new Credentials(client, connect.password()));
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
            case BAD_USERNAME_OR_PASSWORD -> {
                context.stats().onAuthenticationFailure();
                connection.refuse(ConnectReturnCode.BAD_USERNAME_OR_PASSWORD, "bad user name or password");
            }
            case NOT_AUTHORIZED -> {
                context.stats().onAuthenticationFailure();
                connection.refuse(ConnectReturnCode.NOT_AUTHORIZED, "not authorized");
            }
            case ACCEPTED -> context.registry().acquire(connection.client().clientId(), connect.cleanSession(),
                    connection.channel().executor(), connection::onSessionReady);
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
