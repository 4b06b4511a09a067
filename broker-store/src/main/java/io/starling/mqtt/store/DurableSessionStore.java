package io.starling.mqtt.store;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.packet.Will;
import io.starling.mqtt.spi.SessionStore;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable {@link SessionStore}: a RocksDB database in a data directory, written by one thread with group commit
 * ({@link StoreWriter}). Writes from any thread return at once; {@link #sync()} is the durability barrier, as
 * {@link Durability} describes. Each commit is one {@code WriteBatch}, written with {@code sync=true} (fdatasync of
 * the write-ahead log before it returns), so a commit survives a crash whole or not at all. The layout and format are
 * in docs/persistence.md, "The store"; the keys in {@link Keys}, the values in {@link Values}.
 *
 * <p>Thread-safe. {@link #recover()} and {@link #backup} read from the calling thread; every write runs on the writer
 * thread. Native objects are closed by the writer thread when it stops, under a lock that readers hold, so that no
 * read touches a closed database (which would crash the JVM, not throw).
 */
public final class DurableSessionStore implements SessionStore {
    /** The format this build reads and writes; a store of any other format is refused at {@link #open}. */
    public static final int FORMAT = 1;

    static final String CREATED_BY_KEY = "createdBy";
    static final String CREATED_KEY = "created";
    /** Every stored message key is below it; keys after a restart start there. */
    static final String KEY_LIMIT_KEY = "keyLimit";
    /** Keys reserved per meta write: one meta update per million appends. */
    static final long KEY_BLOCK = 1 << 20;
    /** Block cache (uncompressed table blocks, index and filter blocks), off-heap. */
    static final long CACHE_BYTES = 32L << 20;
    /** One memtable; with the one being flushed, at most two exist (RocksDB's default max_write_buffer_number). */
    static final long WRITE_BUFFER_BYTES = 16L << 20;
    /** In SYNC mode, how long a write that no sync() waits for may stay uncommitted. */
    static final long SYNC_COMMIT_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** The file RocksDB writes first into a new database directory, and the one that says it is a database. */
    static final String CURRENT = "CURRENT";

    /** Names RocksDB gives its files: what a directory may hold when its database is not (yet) created. */
    private static final Pattern ROCKSDB_FILE = Pattern.compile(
            "CURRENT|IDENTITY|LOCK|LOG(\\.old\\.\\d+)?|MANIFEST-\\d+|OPTIONS-\\d+(\\.dbtmp)?|\\d+\\.(log|sst|blob)|\\d+\\.dbtmp");
    private static final String WRITE_CHECK = ".starling-write-check";
    /** The file of the MVStore-based store of the development branch. */
    private static final String MVSTORE_FILE = "starling.mv.db";
    private static final Logger LOG = LoggerFactory.getLogger(DurableSessionStore.class);

    private final Path directory;
    private final Native natives;
    private final AtomicLong nextKey;
    private final Engine engine;
    private final StoreWriter writer;
    private final Object backupLock = new Object();
    /** Written on the writer thread only (set before it starts). */
    private long keyLimit;

    private DurableSessionStore(Path directory, Native natives, long keyLimit, Durability durability) {
        this.directory = directory;
        this.natives = natives;
        this.keyLimit = keyLimit;
        this.nextKey = new AtomicLong(keyLimit);
        boolean periodic = durability instanceof Durability.Periodic;
        long delay = durability instanceof Durability.Periodic p ? p.interval().toNanos() : SYNC_COMMIT_DELAY_NANOS;
        this.engine = new Engine(periodic);
        this.writer = new StoreWriter("the store in " + directory, engine, durability, delay);
    }

    /**
     * Opens the store in {@code directory}, creating the directory and the store if needed.
     *
     * @throws IllegalStateException naming the directory if it cannot be created or written, if another process
     *                               (or another open store) holds it, if it holds files that are not a Starling store,
     *                               or if the store has another format
     */
    public static DurableSessionStore open(Path directory, Durability durability) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(durability, "durability");
        Path dir = directory.toAbsolutePath().normalize();
        prepareDirectory(dir);
        NativeLibrary.load();
        Native natives = Native.open(dir);
        DurableSessionStore opened;
        try {
            long keyLimit = checkFormat(dir, natives.db);
            opened = new DurableSessionStore(dir, natives, keyLimit, durability);
        } catch (RuntimeException | Error e) {
            natives.close(false);
            throw e;
        }
        opened.writer.start();
        LOG.debug("Opened the store in {} (format {}, durability {})", dir, FORMAT, durability);
        return opened;
    }

    /** The data directory, absolute. */
    public Path directory() {
        return directory;
    }

    private static void prepareDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("Cannot use " + dir + " as the store directory: it exists and is not a directory", e);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create the store directory " + dir + ": " + e, e);
        }
        Path probe = dir.resolve(WRITE_CHECK);
        try {
            Files.deleteIfExists(probe);
            Files.createFile(probe);
            Files.delete(probe);
        } catch (IOException e) {
            throw new IllegalStateException("The store directory " + dir + " is not writable: " + e, e);
        }
        if (Files.exists(dir.resolve(CURRENT))) {
            return; // a RocksDB database: checkFormat says whose
        }
        // no database yet: RocksDB would create one among whatever is there; only its own files (of a first open
        // that was interrupted) may be
        Set<String> foreign = new TreeSet<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.map(p -> p.getFileName().toString())
                    .filter(name -> !ROCKSDB_FILE.matcher(name).matches() && !name.equals(WRITE_CHECK))
                    .forEach(foreign::add);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list the store directory " + dir + ": " + e, e);
        }
        if (foreign.contains(MVSTORE_FILE)) {
            throw new IllegalStateException("The store directory " + dir + " holds " + MVSTORE_FILE + ", a store of the "
                    + "H2 MVStore format of development builds, which this build does not read. Move it away or "
                    + "choose another data directory");
        }
        if (!foreign.isEmpty()) {
            throw new IllegalStateException("The store directory " + dir + " holds no Starling store but other files "
                    + (foreign.size() > 5 ? List.copyOf(foreign).subList(0, 5) + " ..." : foreign)
                    + ": it was not written by Starling. Move them away or choose an empty or new data directory");
        }
    }

    /** Checks the format of an existing store, or writes it into a new one; returns the first free message key. */
    private static long checkFormat(Path dir, RocksDB db) {
        try {
            byte[] found = db.get(Keys.FORMAT);
            if (found == null) {
                try (RocksIterator it = db.newIterator()) {
                    it.seekToFirst();
                    if (it.isValid()) {
                        throw new IllegalStateException("The store in " + dir + " is a RocksDB database without a "
                                + "Starling format version (first key " + Keys.printable(it.key()) + "): it was not "
                                + "written by Starling. Move it away or choose another data directory");
                    }
                    it.status();
                }
                try (WriteBatch batch = new WriteBatch(); WriteOptions sync = new WriteOptions().setSync(true)) {
                    batch.put(Keys.meta(CREATED_BY_KEY), utf8("Starling " + version()));
                    batch.put(Keys.meta(CREATED_KEY), utf8(Instant.now().toString()));
                    batch.put(Keys.meta(KEY_LIMIT_KEY), utf8("1"));
                    batch.put(Keys.FORMAT, utf8(Integer.toString(FORMAT)));
                    db.write(sync, batch);
                }
                return 1;
            }
            String text = new String(found, StandardCharsets.UTF_8);
            int format;
            try {
                format = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("The store in " + dir + " has an unreadable format version '" + text
                        + "'; this build reads format " + FORMAT, e);
            }
            if (format > FORMAT) {
                throw new IllegalStateException("The store in " + dir + " was written by a newer Starling (format " + format
                        + "); this build reads format " + FORMAT + ". Run a newer Starling, or move the directory away");
            }
            if (format < FORMAT) {
                throw new IllegalStateException("The store in " + dir + " was written by an older Starling (format " + format
                        + "); this build reads format " + FORMAT + " and converts no older one");
            }
            byte[] limit = db.get(Keys.meta(KEY_LIMIT_KEY));
            String limitText = limit == null ? null : new String(limit, StandardCharsets.UTF_8);
            try {
                return Long.parseLong(Objects.requireNonNull(limitText, "no key limit"));
            } catch (RuntimeException e) {
                throw new IllegalStateException("The store in " + dir + " has an unreadable key limit '" + limitText + "'", e);
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot read the store in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String version() {
        String v = DurableSessionStore.class.getPackage().getImplementationVersion();
        return v != null ? v : "(development build)";
    }

    // ---- reading

    /** Reads everything; writes submitted before the call are committed first, so they are included. */
    @Override
    public Recovery recover() {
        if (!writer.isOpen()) {
            throw new IllegalStateException("the store in " + directory + " is closed");
        }
        writer.flush().join();
        return natives.read(db -> {
            Values.Reader reader = new Values.Reader();
            Map<String, Parts> byId = new LinkedHashMap<>();
            scanKind(db, Keys.SESSION, (key, value) -> byId.put(Keys.clientIdOfRecord(key), new Parts()));
            long orphans = scanSessions(db, Keys.SUBSCRIPTION, byId,
                    (parts, key, from, value) -> parts.subscriptions.put(TopicFilter.of(Keys.text(key, from)),
                            Values.subscriptionQos(value)));
            orphans += scanSessions(db, Keys.MESSAGE, byId,
                    (parts, key, from, value) -> parts.messages.add(reader.storedMessage(Keys.number(key, from), value)));
            orphans += scanSessions(db, Keys.INBOUND, byId,
                    (parts, key, from, value) -> parts.inbound.add((int) Keys.number(key, from)));
            if (orphans > 0) {
                LOG.warn("The store in {} holds {} entries of no stored session; they are not recovered", directory, orphans);
            }
            List<StoredSession> stored = new ArrayList<>(byId.size());
            byId.forEach((clientId, parts) -> stored.add(
                    new StoredSession(clientId, parts.subscriptions, parts.messages, parts.inbound)));
            List<Message> retainedMessages = new ArrayList<>();
            scanKind(db, Keys.RETAINED, (key, value) -> retainedMessages.add(reader.message(value)));
            Map<String, Will> storedWills = new HashMap<>();
            scanKind(db, Keys.WILL, (key, value) -> storedWills.put(Keys.clientIdOfRecord(key), reader.will(value)));
            return new Recovery(stored, retainedMessages, storedWills);
        });
    }

    /** One session's entries while recovering. */
    private static final class Parts {
        final Map<TopicFilter, QoS> subscriptions = new HashMap<>();
        final List<StoredMessage> messages = new ArrayList<>();
        final Set<Integer> inbound = new HashSet<>();
    }

    @FunctionalInterface
    private interface EntryConsumer {
        void accept(Parts parts, byte[] key, int entryStart, byte[] value);
    }

    @FunctionalInterface
    private interface KeyValueConsumer {
        void accept(byte[] key, byte[] value);
    }

    /** Streams every entry of one kind in key order, reading only that range. */
    private static void scanKind(RocksDB db, byte kind, KeyValueConsumer consumer) {
        byte[] prefix = Keys.kind(kind);
        try (Slice upper = new Slice(Keys.upperBound(prefix));
             ReadOptions read = new ReadOptions().setIterateUpperBound(upper).setFillCache(false);
             RocksIterator it = db.newIterator(read)) {
            for (it.seek(prefix); it.isValid(); it.next()) {
                consumer.accept(it.key(), it.value());
            }
            it.status();
        } catch (RocksDBException e) {
            throw new IllegalStateException("Reading the store failed: " + e.getMessage(), e);
        }
    }

    /** Streams a per-session kind in key order; returns the entries of sessions not stored (not recovered). */
    private static long scanSessions(RocksDB db, byte kind, Map<String, Parts> byId, EntryConsumer consumer) {
        long[] orphans = {0};
        byte[][] prefix = {null};
        Parts[] parts = {null};
        scanKind(db, kind, (key, value) -> {
            // a session's entries are adjacent, so the prefix is parsed once per session, not once per entry
            if (prefix[0] == null || !Keys.hasPrefix(key, prefix[0])) {
                int length = Keys.prefixLength(key);
                prefix[0] = Arrays.copyOf(key, length);
                parts[0] = byId.get(Keys.clientId(key, length));
            }
            if (parts[0] == null) {
                orphans[0]++;
            } else {
                consumer.accept(parts[0], key, prefix[0].length, value);
            }
        });
        return orphans[0];
    }

    // ---- writing: encoded on the caller's thread, applied on the writer's

    @Override
    public void putSession(String clientId) {
        byte[] key = Keys.session(Objects.requireNonNull(clientId, "clientId"));
        submit(engine -> engine.put(key, Values.marker()));
    }

    @Override
    public void removeSession(String clientId) {
        Objects.requireNonNull(clientId, "clientId");
        byte[] key = Keys.session(clientId);
        byte[] subscriptions = Keys.prefix(Keys.SUBSCRIPTION, clientId);
        byte[] messages = Keys.prefix(Keys.MESSAGE, clientId);
        byte[] inbound = Keys.prefix(Keys.INBOUND, clientId);
        submit(engine -> {
            engine.delete(key);
            engine.deleteRange(subscriptions);
            engine.deleteRange(messages);
            engine.deleteRange(inbound);
        });
    }

    @Override
    public void putSubscription(String clientId, TopicFilter filter, QoS qos) {
        byte[] key = Keys.subscription(clientId, filter.value());
        byte[] value = Values.subscription(qos);
        submit(engine -> engine.put(key, value));
    }

    @Override
    public void removeSubscription(String clientId, TopicFilter filter) {
        byte[] key = Keys.subscription(clientId, filter.value());
        submit(engine -> engine.delete(key));
    }

    @Override
    public long append(String clientId, Message message, QoS qos) {
        long key = nextKey.getAndIncrement();
        byte[] storedKey = Keys.message(clientId, key);
        byte[] value = Values.message(message, qos);
        submit(storedKey.length + value.length, engine -> {
            // the reservation commits with the message (or before it), so a restart never hands out a stored key
            if (key >= keyLimit) {
                keyLimit = key + KEY_BLOCK;
                engine.put(Keys.meta(KEY_LIMIT_KEY), utf8(Long.toString(keyLimit)));
            }
            engine.putMessage(storedKey, value);
        });
        return key;
    }

    @Override
    public void markSent(String clientId, long key, int packetId) {
        byte[] storedKey = Keys.message(clientId, key);
        submit(engine -> {
            byte[] value = engine.message(storedKey);
            if (value != null) {
                engine.putMessage(storedKey, Values.withPacketId(value, packetId));
            }
        });
    }

    @Override
    public void markReleased(String clientId, long key) {
        byte[] storedKey = Keys.message(clientId, key);
        submit(engine -> {
            byte[] value = engine.message(storedKey);
            if (value != null) {
                engine.putMessage(storedKey, Values.released(value));
            }
        });
    }

    @Override
    public void remove(String clientId, long key) {
        byte[] storedKey = Keys.message(clientId, key);
        submit(engine -> engine.deleteMessage(storedKey));
    }

    @Override
    public void putInboundQos2(String clientId, int packetId) {
        byte[] key = Keys.inbound(clientId, packetId);
        submit(engine -> engine.put(key, Values.marker()));
    }

    @Override
    public void removeInboundQos2(String clientId, int packetId) {
        byte[] key = Keys.inbound(clientId, packetId);
        submit(engine -> engine.delete(key));
    }

    @Override
    public void putRetained(Message message) {
        byte[] key = Keys.retained(message.topic().value());
        byte[] value = Values.message(message, message.qos());
        submit(key.length + value.length, engine -> engine.put(key, value));
    }

    @Override
    public void removeRetained(TopicName topic) {
        byte[] key = Keys.retained(topic.value());
        submit(engine -> engine.delete(key));
    }

    @Override
    public void putWill(String clientId, Will will) {
        byte[] key = Keys.will(Objects.requireNonNull(clientId, "clientId"));
        byte[] value = Values.will(will);
        submit(key.length + value.length, engine -> engine.put(key, value));
    }

    @Override
    public void removeWill(String clientId) {
        byte[] key = Keys.will(Objects.requireNonNull(clientId, "clientId"));
        submit(engine -> engine.delete(key));
    }

    /**
     * Completes, on the store's writer thread, once every write submitted before the call is committed and fsynced;
     * already complete when nothing is pending, and at once in periodic mode unless its backlog is past the bound
     * ({@link StoreWriter}: 65,536 writes or 64 MiB). Fails once the store is closed or has
     * failed. Callbacks must not block: hand them to your own executor.
     */
    @Override
    public CompletableFuture<Void> sync() {
        List<CompletableFuture<Void>> inGroup = groupSyncs.get();
        if (inGroup != null) {
            CompletableFuture<Void> barrier = new CompletableFuture<>();
            inGroup.add(barrier);
            return barrier;
        }
        return writer.sync();
    }

    /** A write, applied to the writer's batch on the writer thread. */
    @FunctionalInterface
    private interface Write {
        void apply(Engine engine);
    }

    // The writes of the current thread's atomically(...) group, and the barriers asked for inside it.
    private final ThreadLocal<Group> group = new ThreadLocal<>();
    private final ThreadLocal<List<CompletableFuture<Void>>> groupSyncs = new ThreadLocal<>();

    /** The writes of one atomically(...) call and the bytes they hold. */
    private static final class Group {
        final List<Write> writes = new ArrayList<>();
        long bytes;
    }

    private void submit(Write write) {
        submit(0, write);
    }

    /** {@code bytes}: what the write holds until committed (periodic mode's back-pressure counts it). */
    private void submit(long bytes, Write write) {
        Group open = group.get();
        if (open != null) {
            open.writes.add(write);
            open.bytes += bytes;
        } else {
            writer.submit(() -> write.apply(engine), bytes);
        }
    }

    /**
     * The group's writes go to the writer as one operation, and the writer commits only between operations: they
     * land in one {@code WriteBatch}, which RocksDB applies atomically. Nested groups join the outer one.
     */
    @Override
    public void atomically(Runnable writes) {
        if (group.get() != null) {
            writes.run();
            return;
        }
        Group collected = new Group();
        List<CompletableFuture<Void>> barriers = new ArrayList<>();
        group.set(collected);
        groupSyncs.set(barriers);
        try {
            writes.run();
        } finally {
            group.remove();
            groupSyncs.remove();
        }
        if (!collected.writes.isEmpty()) {
            writer.submit(() -> collected.writes.forEach(write -> write.apply(engine)), collected.bytes);
        }
        if (!barriers.isEmpty()) {
            writer.sync().whenComplete((ok, error) -> barriers.forEach(barrier -> {
                if (error == null) {
                    barrier.complete(null);
                } else {
                    barrier.completeExceptionally(error);
                }
            }));
        }
    }

    /**
     * Copies the store into a new zip file while it keeps running: a RocksDB checkpoint (a consistent copy of the
     * database, made of hard links where the file system allows, taken after a flush of the memtable) in a
     * temporary directory next to {@code zipFile}, zipped, then removed. The copy holds at least every write submitted
     * before the call. Restore by unzipping it into an empty data directory. Runs on the calling thread, for as long
     * as the copy takes.
     *
     * @throws IOException if {@code zipFile} exists or cannot be written
     */
    public void backup(Path zipFile) throws IOException {
        Path target = zipFile.toAbsolutePath();
        Path scratch = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + "-");
        Path checkpointDir = scratch.resolve("checkpoint");
        try {
            checkpoint(checkpointDir);
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW);
                 ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(out));
                 Stream<Path> files = Files.list(checkpointDir)) {
                for (Path file : files.sorted().toList()) {
                    zip.putNextEntry(new ZipEntry(file.getFileName().toString()));
                    Files.copy(file, zip);
                    zip.closeEntry();
                }
            }
        } finally {
            deleteTree(scratch);
        }
    }

    /**
     * Writes a consistent copy of the store into {@code directory}, which must not exist, while the store keeps
     * running (a RocksDB checkpoint: hard links to the table files on the same file system, copies elsewhere). The
     * directory is a data directory: a broker opens it as it is. It holds at least every write submitted before the
     * call.
     *
     * @throws IOException if {@code directory} exists or the checkpoint fails
     */
    public void checkpoint(Path directory) throws IOException {
        if (!writer.isOpen()) {
            throw new IllegalStateException("the store in " + this.directory + " is closed");
        }
        if (Files.exists(directory)) {
            throw new FileAlreadyExistsException(directory.toString());
        }
        writer.flush().join();
        synchronized (backupLock) {
            try {
                natives.read(db -> {
                    try (Checkpoint checkpoint = Checkpoint.create(db)) {
                        checkpoint.createCheckpoint(directory.toAbsolutePath().toString());
                    } catch (RocksDBException e) {
                        throw new UncheckedIOException(new IOException("The checkpoint of the store in " + this.directory
                                + " into " + directory + " failed: " + e.getMessage(), e));
                    }
                    return null;
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Commit-and-fsync cycles so far (benchmarks and tests). */
    long commits() {
        return writer.commits();
    }

    /**
     * Drains what is queued, commits, fsyncs, flushes the memtable (so that the next open replays no log), stops the
     * writer thread and closes the database. Idempotent. Writes after it are ignored (logged once) and {@link #sync()}
     * fails.
     */
    @Override
    public void close() {
        writer.close();
    }

    @Override
    public String toString() {
        return "DurableSessionStore[" + directory + "]";
    }

    /** RocksDB's native objects, created together and closed together in reverse order. */
    private static final class Native {
        final Path dir;
        final LRUCache cache;
        final BloomFilter filter;
        final Options options;
        final RocksDB db;
        final WriteOptions syncWrite;
        final WriteOptions bufferedWrite;
        final WriteBatch batch;
        /** Readers hold it shared; closing takes it exclusively, so that nothing reads a closed database. */
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        boolean closed;

        private Native(Path dir, LRUCache cache, BloomFilter filter, Options options, RocksDB db) {
            this.dir = dir;
            this.cache = cache;
            this.filter = filter;
            this.options = options;
            this.db = db;
            this.syncWrite = new WriteOptions().setSync(true);
            this.bufferedWrite = new WriteOptions().setSync(false);
            this.batch = new WriteBatch();
        }

        static Native open(Path dir) {
            LRUCache cache = new LRUCache(CACHE_BYTES);
            BloomFilter filter = new BloomFilter(10, false);
            Options options = null;
            try {
                BlockBasedTableConfig table = new BlockBasedTableConfig()
                        .setBlockCache(cache)
                        .setFilterPolicy(filter)
                        .setCacheIndexAndFilterBlocks(true)
                        .setPinL0FilterAndIndexBlocksInCache(true);
                options = new Options()
                        .setCreateIfMissing(true)
                        .setWriteBufferSize(WRITE_BUFFER_BYTES)
                        .setMaxWriteBufferNumber(2)
                        .setMaxBackgroundJobs(2)
                        .setBytesPerSync(1 << 20)
                        .setInfoLogLevel(InfoLogLevel.INFO_LEVEL)
                        .setMaxLogFileSize(1 << 20)
                        .setKeepLogFileNum(2)
                        .setTableFormatConfig(table);
                return new Native(dir, cache, filter, options, RocksDB.open(options, dir.toString()));
            } catch (RocksDBException e) {
                if (options != null) {
                    options.close();
                }
                filter.close();
                cache.close();
                throw openFailure(dir, e);
            } catch (RuntimeException | Error e) {
                if (options != null) {
                    options.close();
                }
                filter.close();
                cache.close();
                throw e;
            }
        }

        private static IllegalStateException openFailure(Path dir, RocksDBException e) {
            Status status = e.getStatus();
            String message = e.getMessage() != null ? e.getMessage() : String.valueOf(status);
            Status.Code code = status != null ? status.getCode() : null;
            if (code == Status.Code.IOError && message.contains("LOCK")) {
                return new IllegalStateException("The store directory " + dir + " is in use: its LOCK file is locked "
                        + "by another process (another broker on the same data directory?) or by a store already open "
                        + "in this one (" + message + ")", e);
            }
            if (code == Status.Code.Corruption) {
                return new IllegalStateException("The store in " + dir + " is corrupt: " + message
                        + ". Restore a backup or move the directory away", e);
            }
            if (code == Status.Code.InvalidArgument && message.contains("olumn famil")) {
                return new IllegalStateException("The store in " + dir + " is a RocksDB database with column families "
                        + "Starling does not use: it was not written by Starling (" + message + "). Move it away or "
                        + "choose another data directory", e);
            }
            return new IllegalStateException("Cannot open the store in " + dir + ": " + message, e);
        }

        /** Runs {@code reading} on the database unless it is closed. */
        <T> T read(Function<RocksDB, T> reading) {
            lock.readLock().lock();
            try {
                if (closed) {
                    throw new IllegalStateException("the store in " + dir + " is closed");
                }
                return reading.apply(db);
            } finally {
                lock.readLock().unlock();
            }
        }

        /** Flushes the memtable if {@code clean}, then closes everything, newest first. */
        void close(boolean clean) {
            lock.writeLock().lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                if (clean) {
                    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                        db.flush(flush);
                    } catch (RocksDBException e) {
                        LOG.warn("Flushing the store in {} at close failed; the next open replays its log: {}", dir,
                                e.getMessage());
                    }
                }
                batch.close();
                bufferedWrite.close();
                syncWrite.close();
                try {
                    db.closeE();
                } catch (RocksDBException e) {
                    LOG.warn("Closing the store in {} reported: {}", dir, e.getMessage());
                }
                options.close();
                filter.close();
                cache.close();
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    /**
     * The engine side of group commit, on the writer thread: the writes of a group go into one {@code WriteBatch},
     * and a commit writes it with {@code sync=true}. Messages written in the batch are also kept in a map until the
     * commit, because markSent and markReleased read what append (in the same batch) wrote.
     */
    private final class Engine implements StoreWriter.Engine {
        private static final byte[] DELETED = new byte[0];
        private final boolean periodic;
        private final Map<ByteBuffer, byte[]> batchMessages = new HashMap<>();
        /** Session prefixes whose messages this batch deleted as a range: reads must not see the database's copy. */
        private final Set<ByteBuffer> rangeDeleted = new HashSet<>();

        Engine(boolean periodic) {
            this.periodic = periodic;
        }

        void put(byte[] key, byte[] value) {
            try {
                natives.batch.put(key, value);
            } catch (RocksDBException e) {
                throw new IllegalStateException(e);
            }
        }

        void delete(byte[] key) {
            try {
                natives.batch.delete(key);
            } catch (RocksDBException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Deletes every key starting with {@code prefix}: one range tombstone, also over this batch's puts. */
        void deleteRange(byte[] prefix) {
            try {
                natives.batch.deleteRange(prefix, Keys.upperBound(prefix));
            } catch (RocksDBException e) {
                throw new IllegalStateException(e);
            }
            batchMessages.keySet().removeIf(k -> Keys.hasPrefix(k.array(), prefix));
            if (prefix[0] == Keys.MESSAGE) {
                // what the batch holds of the session is gone, and what the database holds is covered by the range
                rangeDeleted.add(ByteBuffer.wrap(prefix));
            }
        }

        void putMessage(byte[] key, byte[] value) {
            put(key, value);
            batchMessages.put(ByteBuffer.wrap(key), value);
        }

        void deleteMessage(byte[] key) {
            delete(key);
            batchMessages.put(ByteBuffer.wrap(key), DELETED);
        }

        /** The message as this batch leaves it, or null. */
        byte[] message(byte[] key) {
            byte[] pending = batchMessages.get(ByteBuffer.wrap(key));
            if (pending != null) {
                return pending == DELETED ? null : pending;
            }
            for (ByteBuffer prefix : rangeDeleted) {
                if (Keys.hasPrefix(key, prefix.array())) {
                    return null;
                }
            }
            try {
                return natives.db.get(key);
            } catch (RocksDBException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void commitAndSync() {
            try {
                if (natives.batch.count() > 0) {
                    if (periodic) {
                        natives.db.write(natives.bufferedWrite, natives.batch);
                        natives.db.syncWal();
                    } else {
                        natives.db.write(natives.syncWrite, natives.batch);
                    }
                }
            } catch (RocksDBException e) {
                throw new IllegalStateException("writing to the store failed: " + e.getMessage(), e);
            } finally {
                natives.batch.clear();
                batchMessages.clear();
                rangeDeleted.clear();
            }
        }

        @Override
        public boolean maintain() {
            return false; // RocksDB compacts on its own background threads
        }

        @Override
        public void close(boolean clean) {
            natives.close(clean);
        }
    }
}
