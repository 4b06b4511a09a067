package io.starling.mqtt.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the mqtt.js browser bundle ({@code dist/mqtt.min.js} of the npm package {@code mqtt}) is on this machine.
 * Nothing here downloads it: {@code broker-examples/browser/fetch-mqttjs.sh} (run by {@code .ci/run}) puts it at
 * {@link #DEFAULT}; {@code -Dstarling.mqttjs=FILE} or the environment variable {@code STARLING_MQTTJS} point
 * elsewhere.
 */
public final class MqttJsBundle {
    /** The version fetch-mqttjs.sh pins, tested with the browser tests. */
    public static final String VERSION = "5.16.0";
    public static final Path DEFAULT = Path.of(System.getProperty("user.home"), ".cache", "starling", "mqttjs",
            "mqtt-" + VERSION + ".min.js");
    /** What to run when the bundle is missing. */
    public static final String HOW_TO_GET = "run broker-examples/browser/fetch-mqttjs.sh (needs npm), or set "
            + "-Dstarling.mqttjs=FILE to a copy of dist/mqtt.min.js from the npm package mqtt@" + VERSION;

    private MqttJsBundle() {}

    /** The bundle, if it is where the property, the environment variable or the default says. */
    public static Optional<Path> find() {
        String configured = System.getProperty("starling.mqttjs", System.getenv("STARLING_MQTTJS"));
        Path path = configured != null && !configured.isBlank() ? Path.of(configured) : DEFAULT;
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    /** Where {@link #find()} looks. */
    public static Path expectedLocation() {
        String configured = System.getProperty("starling.mqttjs", System.getenv("STARLING_MQTTJS"));
        return configured != null && !configured.isBlank() ? Path.of(configured) : DEFAULT;
    }
}
