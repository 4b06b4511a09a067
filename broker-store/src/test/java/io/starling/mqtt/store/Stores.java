package io.starling.mqtt.store;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.spi.SessionStore.Recovery;
import io.starling.mqtt.spi.SessionStore.StoredSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Helpers shared by the store's tests and benchmark mains. */
final class Stores {
    private Stores() {}

    static Message message(String topic, String payload, QoS qos) {
        return Message.of(topic, payload.getBytes(StandardCharsets.UTF_8), qos, false);
    }

    /** The payload the crash child writes for a session's n-th message: its length varies, its bytes say who. */
    static byte[] payload(String clientId, long n) {
        String unit = clientId + ":" + n + ";";
        int length = 16 + (int) (n * 37 % 400);
        StringBuilder b = new StringBuilder(length + unit.length());
        while (b.length() < length) {
            b.append(unit);
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, StoredSession> byClientId(Recovery recovery) {
        return recovery.sessions().stream().collect(Collectors.toMap(StoredSession::clientId, Function.identity()));
    }

    /** Opens {@code directory}, recovers and closes. */
    static Recovery reopen(Path directory) {
        try (DurableSessionStore store = DurableSessionStore.open(directory, Durability.SYNC)) {
            return store.recover();
        }
    }

    /**
     * What a crash of the process right now would leave: a copy of the store's files taken while the store runs,
     * opened and recovered. The copy holds exactly what the engine has written to its files (write-ahead log included).
     * The tests that use it write less than a memtable, so no flush or compaction changes the files during the copy.
     */
    static Recovery copyAndRecover(Path directory, Path scratch) {
        try {
            Path copy = Files.createTempDirectory(scratch, "copy");
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    Files.copy(file, copy.resolve(file.getFileName()));
                }
            }
            return reopen(copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
