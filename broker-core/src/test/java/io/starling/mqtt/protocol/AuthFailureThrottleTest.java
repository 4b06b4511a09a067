package io.starling.mqtt.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AuthFailureThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AuthFailureThrottle throttle =
            new AuthFailureThrottle(3, Duration.ofMillis(100), Duration.ofSeconds(2), now::get);

    @Test
    @DisplayName("no delay below the threshold, then a delay doubling per failure up to the cap")
    void doublesUpToTheCap() {
        for (int i = 0; i < 2; i++) {
            throttle.onFailure("192.0.2.1");
        }
        assertThat(throttle.delayNanos("192.0.2.1")).isZero();
        throttle.onFailure("192.0.2.1");
        assertThat(throttle.delayNanos("192.0.2.1")).isEqualTo(Duration.ofMillis(100).toNanos());
        throttle.onFailure("192.0.2.1");
        assertThat(throttle.delayNanos("192.0.2.1")).isEqualTo(Duration.ofMillis(200).toNanos());
        for (int i = 0; i < 100; i++) {
            throttle.onFailure("192.0.2.1");
        }
        assertThat(throttle.delayNanos("192.0.2.1")).isEqualTo(Duration.ofSeconds(2).toNanos());
        assertThat(throttle.delayNanos("192.0.2.2")).isZero();
    }

    @Test
    @DisplayName("a minute without failures forgets the address")
    void windowExpires() {
        for (int i = 0; i < 5; i++) {
            throttle.onFailure("192.0.2.1");
        }
        assertThat(throttle.delayNanos("192.0.2.1")).isPositive();
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(throttle.delayNanos("192.0.2.1")).isZero();
        assertThat(throttle.onFailure("192.0.2.1")).isEqualTo(1);
    }

    @Test
    @DisplayName("memory stays bounded when failures come from ever new addresses")
    void boundedMemory() {
        for (int i = 0; i < AuthFailureThrottle.MAX_TRACKED * 2; i++) {
            throttle.onFailure("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255));
        }
        assertThat(throttle.trackedAddresses()).isLessThanOrEqualTo(AuthFailureThrottle.MAX_TRACKED);
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        throttle.onFailure("192.0.2.9");
        assertThat(throttle.trackedAddresses()).isEqualTo(1);
    }

    @Test
    @DisplayName("a zero base delay switches slowing off")
    void off() {
        AuthFailureThrottle none = new AuthFailureThrottle(1, Duration.ZERO, Duration.ofSeconds(2), now::get);
        none.onFailure("a");
        none.onFailure("a");
        assertThat(none.delayNanos("a")).isZero();
    }

    @Test
    @DisplayName("the address of host:port keeps IPv6 colons")
    void hostOf() {
        assertThat(AuthFailureThrottle.hostOf("127.0.0.1:5000")).isEqualTo("127.0.0.1");
        assertThat(AuthFailureThrottle.hostOf("0:0:0:0:0:0:0:1:5000")).isEqualTo("0:0:0:0:0:0:0:1");
    }
}
