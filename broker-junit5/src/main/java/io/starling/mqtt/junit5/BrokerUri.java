package io.starling.mqtt.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks {@link StarlingExtension} for the broker's connection URI, {@code tcp://127.0.0.1:PORT}, on a field or
 * parameter of type {@code String} or {@code java.net.URI}.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface BrokerUri {
}
