package io.starling.mqtt.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.api.Credentials;
import io.starling.mqtt.examples.AuthenticatorExample.MapAuthenticator;
import io.starling.mqtt.examples.AuthenticatorExample.UserPrefixAuthorizer;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AuthenticatorExampleTest {
    private final List<Runnable> queued = new ArrayList<>();
    private final Executor manual = queued::add;
    private final MapAuthenticator authenticator = new MapAuthenticator(Map.of("alice", "wonderland"), manual);
    private final UserPrefixAuthorizer authorizer = new UserPrefixAuthorizer();

    @Test
    void answersOnTheExecutorNotOnTheCallingThread() throws Exception {
        CompletionStage<AuthenticationResult> answer = authenticator.authenticate(credentials("alice", "wonderland"));
        assertThat(answer.toCompletableFuture()).isNotDone();
        assertThat(queued).hasSize(1);
        queued.remove(0).run();
        assertThat(answer.toCompletableFuture().get(1, TimeUnit.SECONDS)).isEqualTo(AuthenticationResult.ACCEPTED);
    }

    @Test
    void refusesWrongPasswordsUnknownUsersAndMissingCredentials() throws Exception {
        assertThat(result(credentials("alice", "wrong"))).isEqualTo(AuthenticationResult.BAD_USERNAME_OR_PASSWORD);
        assertThat(result(credentials("alice", "wonderlan"))).isEqualTo(AuthenticationResult.BAD_USERNAME_OR_PASSWORD);
        assertThat(result(credentials("mallory", "wonderland"))).isEqualTo(AuthenticationResult.BAD_USERNAME_OR_PASSWORD);
        assertThat(result(new Credentials(new ClientInfo("c", null, "127.0.0.1:1"), null)))
                .isEqualTo(AuthenticationResult.BAD_USERNAME_OR_PASSWORD);
        assertThat(result(new Credentials(new ClientInfo("c", "alice", "127.0.0.1:1"), null)))
                .isEqualTo(AuthenticationResult.BAD_USERNAME_OR_PASSWORD);
    }

    @Test
    void confinesEachUserToTheirOwnTree() {
        ClientInfo alice = new ClientInfo("c", "alice", "127.0.0.1:1");
        assertThat(authorizer.canPublish(alice, TopicName.of("users/alice/temp"))).isTrue();
        assertThat(authorizer.canPublish(alice, TopicName.of("users/alice"))).isTrue();
        assertThat(authorizer.canPublish(alice, TopicName.of("users/bob/temp"))).isFalse();
        assertThat(authorizer.canPublish(alice, TopicName.of("users/alicex/temp"))).isFalse();
        assertThat(authorizer.canPublish(alice, TopicName.of("public"))).isFalse();
        assertThat(authorizer.canSubscribe(alice, TopicFilter.of("users/alice/#"))).isTrue();
        assertThat(authorizer.canSubscribe(alice, TopicFilter.of("users/alice/+/x"))).isTrue();
        assertThat(authorizer.canSubscribe(alice, TopicFilter.of("users/+/x"))).isFalse();
        assertThat(authorizer.canSubscribe(alice, TopicFilter.of("#"))).isFalse();
        assertThat(authorizer.canSubscribe(alice, TopicFilter.of("users/alicex/#"))).isFalse();
        ClientInfo sneaky = new ClientInfo("c", "alice/bob", "127.0.0.1:1");
        assertThat(authorizer.canPublish(sneaky, TopicName.of("users/alice/bob/x"))).isFalse();
        assertThat(authorizer.canPublish(new ClientInfo("c", null, "x"), TopicName.of("users/null/x"))).isFalse();
    }

    private AuthenticationResult result(Credentials credentials) throws Exception {
        CompletionStage<AuthenticationResult> answer = authenticator.authenticate(credentials);
        queued.forEach(Runnable::run);
        queued.clear();
        return answer.toCompletableFuture().get(1, TimeUnit.SECONDS);
    }

    private static Credentials credentials(String user, String password) {
        return new Credentials(new ClientInfo("client", user, "127.0.0.1:1"), password.getBytes(StandardCharsets.UTF_8));
    }
}
