package io.starling.mqtt.examples;

import io.starling.mqtt.store.Durability;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the standalone broker keeps its sessions: a durable store in {@code ./data} by default, set by
 * {@code --data-dir} / {@code --in-memory} and the configuration file's {@code data_dir}, {@code in_memory},
 * {@code durability} and {@code sync_interval_ms} (docs/persistence.md).
 */
final class StoreSettings {
    static final Path DEFAULT_DIRECTORY = Path.of("data");
    static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMillis(100);

    Path directory = DEFAULT_DIRECTORY;
    boolean inMemory;
    String durability = "sync";
    Duration syncInterval = DEFAULT_SYNC_INTERVAL;

    /** The durability the settings ask for; checked when the file is read, so an error names its line. */
    Durability durability() {
        return switch (durability) {
            case "sync" -> Durability.SYNC;
            case "periodic" -> Durability.periodic(syncInterval);
            default -> throw new IllegalArgumentException("'" + durability + "' is not one of sync, periodic");
        };
    }
}
