package io.starling.mqtt.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against an in-memory Starling broker on {@code 127.0.0.1}, on a free port.
 *
 * <p>The broker is injected into fields and parameters of type {@link io.starling.mqtt.netty.StarlingBroker} or
 * {@link io.starling.mqtt.api.MqttBroker}; its URI ({@code tcp://127.0.0.1:PORT}) into {@code String} or
 * {@code java.net.URI} fields and parameters annotated {@link BrokerUri}; a {@link StarlingTestKit} for
 * assertions on MQTT traffic into fields and parameters of that type. The broker is closed after the test or
 * the class, also when it fails.
 *
 * <p>Broker settings come from static methods annotated {@link StarlingConfig}.
 *
 * <pre>{@code
 * @StarlingTest
 * class MyTest {
 *     @BrokerUri String uri;
 *
 *     @Test
 *     void publishes(StarlingTestKit kit) { ... }
 * }
 * }</pre>
 *
 * @see StarlingExtension for registering the extension programmatically
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(StarlingExtension.class)
public @interface StarlingTest {
    /** One broker per test method (the default) or one for the whole class. */
    BrokerLifecycle lifecycle() default BrokerLifecycle.PER_METHOD;
}
