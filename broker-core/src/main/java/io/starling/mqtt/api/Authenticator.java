package io.starling.mqtt.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether a CONNECT may proceed. May answer later (a database or LDAP look-up): the connection waits,
 * its event loop does not. An exception or a failed stage refuses the client with "server unavailable".
 */
@FunctionalInterface
public interface Authenticator {
    Authenticator ALLOW_ALL = credentials -> CompletableFuture.completedFuture(AuthenticationResult.ACCEPTED);

    CompletionStage<AuthenticationResult> authenticate(Credentials credentials);
}
