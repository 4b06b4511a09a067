package io.starling.mqtt.benchmarks.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * RocksDB as its wiki recommends for durable writes: the write-ahead log on (the default), each batch one {@code
 * WriteBatch} applied atomically by {@code DB::Write}, with {@code WriteOptions.sync=true} (fdatasync of the WAL
 * before the write returns) when the batch must be on stable storage and {@code sync=false} plus {@code SyncWAL()}
 * otherwise. Options from "Setup Options and Basic Tuning": a 64 MB LRU block cache, a 10-bit Bloom filter with index
 * and filter blocks in the cache, {@code bytes_per_sync} 1 MB, two background jobs (this machine has two cores);
 * everything else, compaction included, at its defaults. WAL recovery stays at the default point-in-time mode, which
 * replays the log up to the first torn record: a consistent prefix of the committed batches.
 */
final class RocksKv implements KvStore {
    static {
        RocksDB.loadLibrary();
    }

    /** Block cache, the same 64 MB as MVStore's page cache. */
    static final long CACHE_BYTES = 64L << 20;

    private final Path dir;
    private final LRUCache cache;
    private final BloomFilter filter;
    private final Options options;
    private final RocksDB db;
    private final WriteOptions syncWrite = new WriteOptions().setSync(true);
    private final WriteOptions bufferedWrite = new WriteOptions().setSync(false);
    private final WriteBatch batch = new WriteBatch();

    private RocksKv(Path dir, LRUCache cache, BloomFilter filter, Options options, RocksDB db) {
        this.dir = dir;
        this.cache = cache;
        this.filter = filter;
        this.options = options;
        this.db = db;
    }

    static RocksKv open(Path dir) {
        LRUCache cache = new LRUCache(CACHE_BYTES);
        BloomFilter filter = new BloomFilter(10, false);
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(filter)
                .setCacheIndexAndFilterBlocks(true)
                .setPinL0FilterAndIndexBlocksInCache(true);
        Options options = new Options()
                .setCreateIfMissing(true)
                .setMaxBackgroundJobs(2)
                .setBytesPerSync(1 << 20)
                .setKeepLogFileNum(2)
                .setTableFormatConfig(table);
        try {
            Files.createDirectories(dir);
            return new RocksKv(dir, cache, filter, options, RocksDB.open(options, dir.toString()));
        } catch (RocksDBException | IOException e) {
            options.close();
            filter.close();
            cache.close();
            throw new IllegalStateException("cannot open RocksDB in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        try {
            batch.put(key, value);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void delete(byte[] key) {
        try {
            batch.delete(key);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void commit(boolean sync) {
        try {
            if (batch.count() == 0) {
                if (sync) {
                    db.syncWal();
                }
                return;
            }
            db.write(sync ? syncWrite : bufferedWrite, batch);
            batch.clear();
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void sync() {
        try {
            db.syncWal();
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void maintain() {
        // compaction runs on RocksDB's own background threads
    }

    @Override
    public byte[] get(byte[] key) {
        try {
            return db.get(key);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public long scan(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        byte[] upper = Keys.upperBound(prefix);
        long n = 0;
        // the upper bound stops the iterator at the end of the prefix instead of stepping over what follows
        try (Slice bound = upper == null ? null : new Slice(upper);
                ReadOptions read = new ReadOptions()) {
            if (bound != null) {
                read.setIterateUpperBound(bound);
            }
            try (RocksIterator it = db.newIterator(read)) {
                for (it.seek(prefix); it.isValid(); it.next()) {
                    visitor.accept(it.key(), it.value());
                    n++;
                }
                it.status();
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
        return n;
    }

    @Override
    public long diskBytes() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // a file RocksDB deleted while we listed
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void compactFully() {
        try {
            db.compactRange();
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Flushes the memtable to a table file before closing, as a clean shutdown should: RocksDB's close does not
     * flush while the WAL is on, and the next open would replay the whole log instead (a crash still does that).
     */
    @Override
    public void close() {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        } finally {
            closeNative();
        }
    }

    private void closeNative() {
        batch.close();
        syncWrite.close();
        bufferedWrite.close();
        db.close();
        options.close();
        filter.close();
        cache.close();
    }
}
