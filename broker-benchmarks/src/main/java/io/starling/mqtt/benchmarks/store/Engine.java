package io.starling.mqtt.benchmarks.store;

import java.nio.file.Path;
import java.util.Locale;

/** The engines under comparison, each opened as its documentation recommends for durable use. */
public enum Engine {
    MVSTORE("H2 MVStore") {
        @Override
        public KvStore open(Path dir) {
            return MvStoreKv.open(dir);
        }
    },
    ROCKSDB("RocksDB") {
        @Override
        public KvStore open(Path dir) {
            return RocksKv.open(dir);
        }
    };

    private final String title;

    Engine(String title) {
        this.title = title;
    }

    /** Opens (creating when missing) the store kept in {@code dir}. */
    public abstract KvStore open(Path dir);

    public String title() {
        return title;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Engine of(String id) {
        return valueOf(id.trim().toUpperCase(Locale.ROOT));
    }
}
