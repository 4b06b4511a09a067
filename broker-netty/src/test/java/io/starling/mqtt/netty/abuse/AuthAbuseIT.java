package io.starling.mqtt.netty.abuse;

import static io.starling.mqtt.netty.abuse.AbuseSupport.assertCounter;
import static io.starling.mqtt.netty.abuse.AbuseSupport.assertHealthyClientWorks;
import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.Authenticator;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Logins as a weapon: anonymous clients on a broker that requires a user name, and password guessing, which the
 * per-address throttle slows down (auth_failure_threshold, auth_failure_delay_ms). Every client here comes from
 * 127.0.0.1, so the throttle also slows the well-behaved client that logs in afterwards: by design, it cannot tell
 * them apart. A fresh broker per test, because the throttle remembers failures per address for a minute.
 */
@Timeout(30)
class AuthAbuseIT {
    private static final String USER = "good";
    private static final String PASSWORD = "right";
    private static final Duration AT_ONCE = Duration.ofSeconds(2);

    /** Accepts exactly USER/PASSWORD. */
    private static final Authenticator ONE_USER = credentials -> CompletableFuture.completedFuture(
            USER.equals(credentials.client().username())
                    && Arrays.equals(utf8(PASSWORD), credentials.password())
                    ? AuthenticationResult.ACCEPTED : AuthenticationResult.BAD_USERNAME_OR_PASSWORD);

    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    @ParameterizedTest(name = "anonymous CONNECT {0}: CONNACK 0x05")
    @CsvSource({"with clean session, 02", "with clean session 0, 00", "with an empty client id, 02",
        "with a will, 06"})
    @DisplayName("(3.1.4) an anonymous client on a broker with allowAnonymous(false) and an authenticator gets CONNACK "
            + "0x05, then a close; counted as an authentication failure and a refused connection")
    void anonymousClientRefused(String what, String flagsHex) {
        broker.start(c -> c.allowAnonymous(false).authenticator(ONE_USER));
        int flags = Integer.parseInt(flagsHex, 16);
        Bytes payload = Bytes.of().str(what.contains("empty") ? "" : "anon");
        if ((flags & 0x04) != 0) {
            payload.str("will/anon").str("bye");
        }
        RawClient anonymous = broker.raw().send(Bytes.connect(flags, 0, payload.build()));
        anonymous.expectConnAck(false, 0x05);
        anonymous.expectClosed(AT_ONCE);
        assertCounter("authenticationFailures", broker.stats()::authenticationFailures, 1);
        assertCounter("connectionsRefused", broker.stats()::connectionsRefused, 1);
        assertThat(broker.engine().sessions().size()).as("no session").isZero();
        assertHealthyClientWorks(broker, USER, PASSWORD);
    }

    @Test
    @DisplayName("(3.1.4) repeated bad passwords from one address: CONNACK 0x04 each time, answered later and later "
            + "past the threshold (loginsDelayed counts them), while connected clients are served without delay")
    void passwordGuessingIsSlowedDown() {
        long base = 300;
        broker.start(c -> c.allowAnonymous(false).authenticator(ONE_USER)
                .authFailureThreshold(2).authFailureDelay(Duration.ofMillis(base)));
        RawClient bystander = broker.track(new RawClient(broker.port()));
        bystander.send(AbuseSupport.login("bystander", USER, PASSWORD));
        bystander.expectConnAck(false, 0);

        // Two failures reach the threshold; neither is delayed.
        for (int i = 0; i < 2; i++) {
            RawClient guess = broker.raw().send(AbuseSupport.login("guess-" + i, USER, "wrong-" + i));
            guess.expectConnAck(false, 0x04);
            guess.expectClosed(AT_ONCE);
        }
        assertThat(broker.stats().loginsDelayed()).as("loginsDelayed below the threshold").isZero();

        // Past the threshold: base, then twice base.
        for (int i = 2; i < 4; i++) {
            long expectedDelay = base << (i - 2);
            long start = System.nanoTime();
            RawClient guess = broker.raw().send(AbuseSupport.login("guess-" + i, USER, "wrong-" + i));
            // The delay is a timer, not a blocked event loop: a connected client is answered meanwhile.
            bystander.pingAndExpectPingResp("served while a login is held back");
            long bystanderMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            guess.expectConnAck(false, 0x04);
            long answerMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            guess.expectClosed(AT_ONCE);
            assertThat(answerMillis).as("CONNACK of guess " + i + " comes after the delay")
                    .isGreaterThanOrEqualTo(expectedDelay - 20);
            assertThat(bystanderMillis).as("the bystander's PINGRESP came before the delayed CONNACK was due")
                    .isLessThan(expectedDelay);
        }
        assertCounter("loginsDelayed", broker.stats()::loginsDelayed, 2);
        assertCounter("authenticationFailures", broker.stats()::authenticationFailures, 4);

        // The right password from the same address still gets in; it is held back too (same address), by 4 x base.
        long start = System.nanoTime();
        assertHealthyClientWorks(broker, USER, PASSWORD);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("the good login waited as well")
                .isGreaterThanOrEqualTo(4 * base - 20);
        assertCounter("loginsDelayed", broker.stats()::loginsDelayed, 3);
        assertThat(broker.stats().authenticationFailures()).as("the good login is no failure").isEqualTo(4);
    }
}
