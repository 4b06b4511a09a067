package io.starling.mqtt.benchmarks.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;

/**
 * H2 MVStore as the MVStore documentation describes explicit durability: auto-commit disabled (no background
 * writer thread, nothing is written behind the writer's back), one {@code commit()} per batch, which writes a new
 * version of the changed pages as one chunk, and {@code sync()} ({@code FileChannel.force(true)}) when the batch
 * must be on stable storage. {@code commit()} alone does not fsync. One ordered map with unsigned byte-wise keys,
 * the same order as RocksDB's default comparator, so both engines hold exactly the same entries.
 *
 * <p>Chunk retention stays at H2's default (45 s): lowering it lets MVStore overwrite a chunk the last synced
 * header may still point to, and H2 reports "Double mark" corruption with retention and versions-to-keep at 0.
 * Without the background thread nothing compacts on its own, so {@link #maintain()} does what that thread would:
 * rewrite the chunks whose live fill rate has dropped below {@link #COMPACT_FILL_RATE}.
 */
final class MvStoreKv implements KvStore {
    /** The file of a store directory. */
    static final String FILE = "store.mv.db";
    /** Page cache, in MB: the same 64 MB as the RocksDB block cache. */
    static final int CACHE_MB = 64;
    /** Chunks below this share of live data are rewritten by {@link #maintain()} (H2's auto-compaction default). */
    static final int COMPACT_FILL_RATE = Integer.getInteger("store.mvstore.compactFillRate", 90);
    /** Bytes {@link #maintain()} may rewrite per call. */
    static final int COMPACT_WRITE_BYTES = Integer.getInteger("store.mvstore.compactWriteBytes", 4 << 20);

    /** Page split size in bytes; 0 keeps H2's default (16 KB for a file store). */
    static final int PAGE_SPLIT_SIZE = Integer.getInteger("store.mvstore.pageSplitSize", 0);

    private final Path file;
    private final MVStore store;
    private final MVMap<byte[], byte[]> map;

    private MvStoreKv(Path file, MVStore store, MVMap<byte[], byte[]> map) {
        this.file = file;
        this.store = store;
        this.map = map;
    }

    static MvStoreKv open(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path file = dir.resolve(FILE);
        MVStore.Builder builder = new MVStore.Builder()
                .fileName(file.toString())
                .autoCommitDisabled()
                .cacheSize(CACHE_MB);
        if (PAGE_SPLIT_SIZE > 0) {
            builder.pageSplitSize(PAGE_SPLIT_SIZE);
        }
        MVStore store = builder.open();
        MVMap<byte[], byte[]> map = store.openMap("kv", new MVMap.Builder<byte[], byte[]>()
                .keyType(ByteArrayDataType.INSTANCE)
                .valueType(ByteArrayDataType.INSTANCE));
        return new MvStoreKv(file, store, map);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        map.put(key, value);
    }

    @Override
    public void delete(byte[] key) {
        map.remove(key);
    }

    @Override
    public void commit(boolean sync) {
        store.commit();
        if (sync) {
            store.sync();
        }
    }

    @Override
    public void sync() {
        store.sync();
    }

    @Override
    public void maintain() {
        if (COMPACT_FILL_RATE > 0) {
            store.compact(COMPACT_FILL_RATE, COMPACT_WRITE_BYTES);
        }
    }

    @Override
    public void compactFully() {
        store.compactFile(30_000);
    }

    @Override
    public byte[] get(byte[] key) {
        return map.get(key);
    }

    @Override
    public long scan(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        long n = 0;
        Cursor<byte[], byte[]> cursor = map.cursor(prefix);
        while (cursor.hasNext()) {
            byte[] key = cursor.next();
            if (!Keys.hasPrefix(key, prefix)) {
                break;
            }
            visitor.accept(key, cursor.getValue());
            n++;
        }
        return n;
    }

    @Override
    public long diskBytes() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
