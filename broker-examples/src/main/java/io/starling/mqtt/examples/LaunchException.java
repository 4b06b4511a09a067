package io.starling.mqtt.examples;

/** A start-up error the launcher reports in one line before exiting non-zero. */
final class LaunchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LaunchException(String message) {
        super(message);
    }
}
