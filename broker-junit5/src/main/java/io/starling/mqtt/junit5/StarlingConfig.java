package io.starling.mqtt.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code static void} method taking one {@link io.starling.mqtt.api.BrokerConfig.Builder} that adjusts the
 * settings of the brokers {@link StarlingTest} starts for this class:
 *
 * <pre>{@code
 * @StarlingConfig
 * static void broker(BrokerConfig.Builder config) {
 *     config.maxInflight(4).authenticator(myAuthenticator);
 * }
 * }</pre>
 *
 * <p>The builder arrives with the extension's defaults already set (host {@code 127.0.0.1}, port 0, one I/O
 * thread); the method may change any of them. Methods of superclasses run before those of subclasses, those of
 * enclosing classes before those of {@code @Nested} classes. Ignored when the extension is registered through
 * {@link StarlingExtension#builder()}, whose {@code configure} takes the same role.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface StarlingConfig {
}
