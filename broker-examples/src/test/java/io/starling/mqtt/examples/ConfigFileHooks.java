package io.starling.mqtt.examples;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.Authenticator;
import io.starling.mqtt.api.Authorizer;
import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.api.Credentials;
import io.starling.mqtt.api.Interceptor;
import io.starling.mqtt.topic.TopicName;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Classes the configuration-file tests name by class name. */
public final class ConfigFileHooks {
    private ConfigFileHooks() {}

    public static final class RefuseAll implements Authenticator {
        @Override
        public CompletionStage<AuthenticationResult> authenticate(Credentials credentials) {
            return CompletableFuture.completedFuture(AuthenticationResult.NOT_AUTHORIZED);
        }
    }

    public static final class ReadOnly implements Authorizer {
        @Override
        public boolean canPublish(ClientInfo client, TopicName topic) {
            return false;
        }
    }

    public static final class First implements Interceptor {
    }

    public static final class Second implements Interceptor {
    }

    public static final class NoDefaultConstructor implements Interceptor {
        public NoDefaultConstructor(String unused) {
        }
    }
}
