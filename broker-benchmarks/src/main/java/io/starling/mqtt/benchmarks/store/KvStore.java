package io.starling.mqtt.benchmarks.store;

import java.util.function.BiConsumer;

/**
 * The little an MQTT store needs from an ordered key-value engine, so that both candidates run the same harness.
 * Writes are staged by {@link #put} and {@link #delete} and become one atomic unit at {@link #commit}: after a crash
 * either all of a commit is there or none of it. Only one thread writes (the broker design both engines are
 * measured with); reads and scans run when no commit is in progress.
 */
public interface KvStore extends AutoCloseable {

    /** Stages a write; it becomes durable with the next {@link #commit}. */
    void put(byte[] key, byte[] value);

    /** Stages a delete; it becomes durable with the next {@link #commit}. */
    void delete(byte[] key);

    /**
     * Writes everything staged since the last commit as one atomic unit. With {@code sync} the data is on stable
     * storage when this returns (fsync); without, it is in the operating system's cache, which survives a crash of
     * the process but not of the machine, until the next {@link #sync}.
     */
    void commit(boolean sync);

    /** Forces what earlier commits wrote to stable storage. */
    void sync();

    /** Engine housekeeping the writer thread runs about once a second (space reclamation where the engine needs it). */
    void maintain();

    /**
     * Offline-style full compaction, to show how much space the engine can give back; not on the broker's path (it
     * may block the writer for a long time).
     */
    void compactFully();

    /** The committed value of a key, or null. */
    byte[] get(byte[] key);

    /** Visits the committed entries whose key starts with {@code prefix}, in key order; returns how many. */
    long scan(byte[] prefix, BiConsumer<byte[], byte[]> visitor);

    /** Bytes the store occupies on disk now (every file of it). */
    long diskBytes();

    @Override
    void close();
}
