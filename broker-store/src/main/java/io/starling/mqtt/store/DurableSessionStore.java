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
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
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
import java.util.zip.ZipOutputStream;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.StringDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable {@link SessionStore}: one H2 MVStore file in a data directory, written by one thread with group commit
 * ({@link StoreWriter}). Writes from any thread return at once; {@link #sync()} is the durability barrier, as
 * {@link Durability} describes. The layout and format are in docs/persistence.md, "The store".
 *
 * <p>Maps, all keyed by strings: {@code meta} (format version, creator, the key reservation), {@code sessions}
 * (client id), {@code subscriptions}, {@code messages} and {@code inbound} (session prefix, then the filter, the
 * message key or the packet id: see {@link Keys}), {@code retained} (topic) and {@code wills} (client id). Values are
 * {@link Values}.
 *
 * <p>Thread-safe. {@link #recover()} reads from the calling thread; everything else that touches the engine runs on
 * the writer thread.
 */
public final class DurableSessionStore implements SessionStore {
    /** The store file inside the data directory. */
    public static final String FILE_NAME = "starling.mv.db";
    /** The format this build reads and writes; a store of any other format is refused at {@link #open}. */
    public static final int FORMAT = 1;

    static final String META = "meta";
    static final String FORMAT_KEY = "format";
    static final String CREATED_BY_KEY = "createdBy";
    static final String CREATED_KEY = "created";
    /** Every stored message key is below it; keys after a restart start there. */
    static final String KEY_LIMIT_KEY = "keyLimit";
    /** Keys reserved per meta write: one meta update per million appends. */
    static final long KEY_BLOCK = 1 << 20;
    /** Page cache of the engine, in MB. */
    static final int CACHE_MB = 32;
    /** Chunks with less live data than this (percent) are rewritten when writes pause: H2's own default. */
    static final int COMPACT_FILL_RATE = 90;
    static final int COMPACT_WRITE_BYTES = 4 << 20;
    /** In SYNC mode, how long a write that no sync() waits for may stay uncommitted. */
    static final long SYNC_COMMIT_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private static final Logger LOG = LoggerFactory.getLogger(DurableSessionStore.class);

    private final Path directory;
    private final MVStore store;
    private final MVMap<String, String> meta;
    private final MVMap<String, byte[]> sessions;
    private final MVMap<String, byte[]> subscriptions;
    private final MVMap<String, byte[]> messages;
    private final MVMap<String, byte[]> inbound;
    private final MVMap<String, byte[]> retained;
    private final MVMap<String, byte[]> wills;
    private final AtomicLong nextKey;
    private final StoreWriter writer;
    private final Object backupLock = new Object();
    /** Written on the writer thread only (set before it starts). */
    private long keyLimit;

    private DurableSessionStore(Path directory, MVStore store, Durability durability) {
        this.directory = directory;
        this.store = store;
        this.meta = store.openMap(META, new MVMap.Builder<String, String>()
                .keyType(StringDataType.INSTANCE).valueType(StringDataType.INSTANCE));
        this.keyLimit = checkFormat(directory, store, meta);
        this.sessions = bytesMap(store, "sessions");
        this.subscriptions = bytesMap(store, "subscriptions");
        this.messages = bytesMap(store, "messages");
        this.inbound = bytesMap(store, "inbound");
        this.retained = bytesMap(store, "retained");
        this.wills = bytesMap(store, "wills");
        this.nextKey = new AtomicLong(keyLimit);
        long delay = durability instanceof Durability.Periodic p ? p.interval().toNanos() : SYNC_COMMIT_DELAY_NANOS;
        this.writer = new StoreWriter("the store in " + directory, new Engine(), durability, delay);
    }

    /**
     * Opens the store in {@code directory}, creating the directory and the store if needed.
     *
     * @throws IllegalStateException naming the directory if it cannot be created or written, if another process
     *                               (or another open store) holds it, or if the store has another format
     */
    public static DurableSessionStore open(Path directory, Durability durability) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(durability, "durability");
        Path dir = directory.toAbsolutePath().normalize();
        prepareDirectory(dir);
        MVStore store = openEngine(dir);
        DurableSessionStore opened;
        try {
            opened = new DurableSessionStore(dir, store, durability);
        } catch (RuntimeException | Error e) {
            store.closeImmediately();
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
        // MVStore opens a file it may not write read-only, silently; a store that cannot write must not start
        Path probe = dir.resolve(".starling-write-check");
        try {
            Files.deleteIfExists(probe);
            Files.createFile(probe);
            Files.delete(probe);
        } catch (IOException e) {
            throw new IllegalStateException("The store directory " + dir + " is not writable: " + e, e);
        }
        Path file = dir.resolve(FILE_NAME);
        if (Files.exists(file) && (!Files.isRegularFile(file) || !Files.isWritable(file))) {
            throw new IllegalStateException("The store file " + file + " is not a writable file");
        }
    }

    private static MVStore openEngine(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            // no background thread: only the writer commits, so nothing reaches the file behind its back
            return new MVStore.Builder()
                    .fileName(file.toString())
                    .autoCommitDisabled()
                    .cacheSize(CACHE_MB)
                    .open();
        } catch (MVStoreException e) {
            switch (e.getErrorCode()) {
                case DataUtils.ERROR_FILE_LOCKED -> throw new IllegalStateException("The store directory " + dir
                        + " is in use: " + file.getFileName() + " is locked by another process (another broker on the "
                        + "same data directory?) or by a store already open in this one", e);
                case DataUtils.ERROR_UNSUPPORTED_FORMAT -> throw new IllegalStateException("The store in " + dir
                        + " was written by a newer storage engine than this build has: " + e.getMessage(), e);
                case DataUtils.ERROR_FILE_CORRUPT -> throw new IllegalStateException("The store in " + dir
                        + " is corrupt: " + e.getMessage() + ". Restore a backup or move the directory away", e);
                default -> throw new IllegalStateException("Cannot open the store in " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /** Checks the format of an existing store, or writes it into a new one; returns the first free message key. */
    private static long checkFormat(Path dir, MVStore store, MVMap<String, String> meta) {
        String found = meta.get(FORMAT_KEY);
        if (found == null) {
            Set<String> others = new TreeSet<>(store.getMapNames());
            others.remove(META);
            if (!others.isEmpty()) {
                throw new IllegalStateException("The store in " + dir + " holds no Starling format version (maps "
                        + others + "): it was not written by Starling. Move it away or choose another data directory");
            }
            meta.put(FORMAT_KEY, Integer.toString(FORMAT));
            meta.put(CREATED_BY_KEY, "Starling " + version());
            meta.put(CREATED_KEY, Instant.now().toString());
            meta.put(KEY_LIMIT_KEY, "1");
            store.commit();
            store.sync();
            return 1;
        }
        int format;
        try {
            format = Integer.parseInt(found);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("The store in " + dir + " has an unreadable format version '" + found
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
        String limit = meta.get(KEY_LIMIT_KEY);
        try {
            return Long.parseLong(Objects.requireNonNull(limit, "no key limit"));
        } catch (RuntimeException e) {
            throw new IllegalStateException("The store in " + dir + " has an unreadable key limit '" + limit + "'", e);
        }
    }

    private static String version() {
        String v = DurableSessionStore.class.getPackage().getImplementationVersion();
        return v != null ? v : "(development build)";
    }

    private static MVMap<String, byte[]> bytesMap(MVStore store, String name) {
        return store.openMap(name, new MVMap.Builder<String, byte[]>()
                .keyType(StringDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
    }

    // ---- reading

    /** Reads everything; writes submitted before the call are committed first, so they are included. */
    @Override
    public Recovery recover() {
        if (!writer.isOpen()) {
            throw new IllegalStateException("the store in " + directory + " is closed");
        }
        writer.flush().join();
        Values.Reader reader = new Values.Reader();
        Map<String, Parts> byId = new LinkedHashMap<>();
        for (Cursor<String, byte[]> c = sessions.cursor(null); c.hasNext(); ) {
            String clientId = c.next();
            byId.put(clientId, new Parts());
        }
        long orphans = scan(subscriptions, byId,
                (parts, key, from, value) -> parts.subscriptions.put(TopicFilter.of(key.substring(from)),
                        Values.subscriptionQos(value)));
        orphans += scan(messages, byId,
                (parts, key, from, value) -> parts.messages.add(reader.storedMessage(Keys.parseHex(key, from), value)));
        orphans += scan(inbound, byId, (parts, key, from, value) -> parts.inbound.add((int) Keys.parseHex(key, from)));
        if (orphans > 0) {
            LOG.warn("The store in {} holds {} entries of no stored session; they are not recovered", directory, orphans);
        }
        List<StoredSession> stored = new ArrayList<>(byId.size());
        byId.forEach((clientId, parts) -> stored.add(
                new StoredSession(clientId, parts.subscriptions, parts.messages, parts.inbound)));
        List<Message> retainedMessages = new ArrayList<>();
        for (Cursor<String, byte[]> c = retained.cursor(null); c.hasNext(); ) {
            c.next();
            retainedMessages.add(reader.message(c.getValue()));
        }
        Map<String, Will> storedWills = new HashMap<>();
        for (Cursor<String, byte[]> c = wills.cursor(null); c.hasNext(); ) {
            String clientId = c.next();
            storedWills.put(clientId, reader.will(c.getValue()));
        }
        return new Recovery(stored, retainedMessages, storedWills);
    }

    /** One session's entries while recovering. */
    private static final class Parts {
        final Map<TopicFilter, QoS> subscriptions = new HashMap<>();
        final List<StoredMessage> messages = new ArrayList<>();
        final Set<Integer> inbound = new HashSet<>();
    }

    @FunctionalInterface
    private interface EntryConsumer {
        void accept(Parts parts, String key, int entryStart, byte[] value);
    }

    /** Streams a per-session map in key order; returns the entries of sessions not stored (not recovered). */
    private static long scan(MVMap<String, byte[]> map, Map<String, Parts> byId, EntryConsumer consumer) {
        long orphans = 0;
        String prefix = null;
        Parts parts = null;
        for (Cursor<String, byte[]> c = map.cursor(null); c.hasNext(); ) {
            String key = c.next();
            // a session's entries are adjacent, so the prefix is parsed once per session, not once per entry
            if (prefix == null || !key.startsWith(prefix)) {
                int length = Keys.prefixLength(key);
                prefix = key.substring(0, length);
                parts = byId.get(Keys.clientId(key, length));
            }
            if (parts == null) {
                orphans++;
            } else {
                consumer.accept(parts, key, prefix.length(), c.getValue());
            }
        }
        return orphans;
    }

    // ---- writing: encoded on the caller's thread, applied on the writer's

    @Override
    public void putSession(String clientId) {
        Objects.requireNonNull(clientId, "clientId");
        submit(() -> sessions.put(clientId, Values.marker()));
    }

    @Override
    public void removeSession(String clientId) {
        Objects.requireNonNull(clientId, "clientId");
        submit(() -> {
            sessions.remove(clientId);
            String prefix = Keys.prefix(clientId);
            removeRange(subscriptions, prefix);
            removeRange(messages, prefix);
            removeRange(inbound, prefix);
        });
    }

    private static void removeRange(MVMap<String, byte[]> map, String prefix) {
        int batch = 4096;
        List<String> keys = new ArrayList<>();
        do {
            keys.clear();
            for (Cursor<String, byte[]> c = map.cursor(prefix); c.hasNext() && keys.size() < batch; ) {
                String key = c.next();
                if (!key.startsWith(prefix)) {
                    break;
                }
                keys.add(key);
            }
            for (String key : keys) {
                map.remove(key);
            }
        } while (keys.size() == batch);
    }

    @Override
    public void putSubscription(String clientId, TopicFilter filter, QoS qos) {
        String key = Keys.subscription(clientId, filter.value());
        byte[] value = Values.subscription(qos);
        submit(() -> subscriptions.put(key, value));
    }

    @Override
    public void removeSubscription(String clientId, TopicFilter filter) {
        String key = Keys.subscription(clientId, filter.value());
        submit(() -> subscriptions.remove(key));
    }

    @Override
    public long append(String clientId, Message message, QoS qos) {
        long key = nextKey.getAndIncrement();
        String storedKey = Keys.message(clientId, key);
        byte[] value = Values.message(message, qos);
        submit(() -> {
            // the reservation commits with the message (or before it), so a restart never hands out a stored key
            if (key >= keyLimit) {
                keyLimit = key + KEY_BLOCK;
                meta.put(KEY_LIMIT_KEY, Long.toString(keyLimit));
            }
            messages.put(storedKey, value);
        });
        return key;
    }

    @Override
    public void markSent(String clientId, long key, int packetId) {
        String storedKey = Keys.message(clientId, key);
        submit(() -> {
            byte[] value = messages.get(storedKey);
            if (value != null) {
                messages.put(storedKey, Values.withPacketId(value, packetId));
            }
        });
    }

    @Override
    public void markReleased(String clientId, long key) {
        String storedKey = Keys.message(clientId, key);
        submit(() -> {
            byte[] value = messages.get(storedKey);
            if (value != null) {
                messages.put(storedKey, Values.released(value));
            }
        });
    }

    @Override
    public void remove(String clientId, long key) {
        String storedKey = Keys.message(clientId, key);
        submit(() -> messages.remove(storedKey));
    }

    @Override
    public void putInboundQos2(String clientId, int packetId) {
        String key = Keys.inbound(clientId, packetId);
        submit(() -> inbound.put(key, Values.marker()));
    }

    @Override
    public void removeInboundQos2(String clientId, int packetId) {
        String key = Keys.inbound(clientId, packetId);
        submit(() -> inbound.remove(key));
    }

    @Override
    public void putRetained(Message message) {
        String key = message.topic().value();
        byte[] value = Values.message(message, message.qos());
        submit(() -> retained.put(key, value));
    }

    @Override
    public void removeRetained(TopicName topic) {
        String key = topic.value();
        submit(() -> retained.remove(key));
    }

    @Override
    public void putWill(String clientId, Will will) {
        Objects.requireNonNull(clientId, "clientId");
        byte[] value = Values.will(will);
        submit(() -> wills.put(clientId, value));
    }

    @Override
    public void removeWill(String clientId) {
        Objects.requireNonNull(clientId, "clientId");
        submit(() -> wills.remove(clientId));
    }

    /**
     * Completes, on the store's writer thread, once every write submitted before the call is committed and fsynced;
     * already complete when nothing is pending, and at once in periodic mode. Fails once the store is closed or has
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

    // The writes of the current thread's atomically(...) group, and the barriers asked for inside it.
    private final ThreadLocal<List<Runnable>> group = new ThreadLocal<>();
    private final ThreadLocal<List<CompletableFuture<Void>>> groupSyncs = new ThreadLocal<>();

    private void submit(Runnable write) {
        List<Runnable> writes = group.get();
        if (writes != null) {
            writes.add(write);
        } else {
            writer.submit(write);
        }
    }

    /**
     * The group's writes go to the writer as one operation, and the writer commits only between operations: they
     * reach the file in one commit. Nested groups join the outer one.
     */
    @Override
    public void atomically(Runnable writes) {
        if (group.get() != null) {
            writes.run();
            return;
        }
        List<Runnable> collected = new ArrayList<>();
        List<CompletableFuture<Void>> barriers = new ArrayList<>();
        group.set(collected);
        groupSyncs.set(barriers);
        try {
            writes.run();
        } finally {
            group.remove();
            groupSyncs.remove();
        }
        if (!collected.isEmpty()) {
            writer.submit(() -> collected.forEach(Runnable::run));
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
     * Copies the store into a new zip file while it keeps running (H2's online backup: the engine appends instead
     * of reusing free space during the copy). The copy holds at least every write submitted before the call. Restore
     * by unzipping it into an empty data directory. Runs on the calling thread, for as long as the copy takes.
     *
     * @throws IOException if {@code zipFile} exists or cannot be written
     */
    public void backup(Path zipFile) throws IOException {
        if (!writer.isOpen()) {
            throw new IllegalStateException("the store in " + directory + " is closed");
        }
        writer.flush().join();
        synchronized (backupLock) {
            try (OutputStream out = Files.newOutputStream(zipFile, StandardOpenOption.CREATE_NEW);
                 ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(out))) {
                store.getFileStore().backup(zip);
            }
        }
    }

    /** Commit-and-fsync cycles so far (benchmarks and tests). */
    long commits() {
        return writer.commits();
    }

    /**
     * Drains what is queued, commits, fsyncs, stops the writer thread and closes the file. Idempotent. Writes after
     * it are ignored (logged once) and {@link #sync()} fails.
     */
    @Override
    public void close() {
        writer.close();
    }

    @Override
    public String toString() {
        return "DurableSessionStore[" + directory + "]";
    }

    /** The engine side of group commit, on the writer thread. */
    private final class Engine implements StoreWriter.Engine {
        @Override
        public void commitAndSync() {
            store.commit();
            store.sync();
        }

        @Override
        public boolean maintain() {
            return store.compact(COMPACT_FILL_RATE, COMPACT_WRITE_BYTES);
        }

        @Override
        public void close(boolean clean) {
            if (clean) {
                store.commit();
                store.sync();
                store.close();
            } else {
                store.closeImmediately();
            }
        }
    }
}
