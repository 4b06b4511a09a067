package io.starling.mqtt.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads RocksDB's JNI library once per JVM from a fixed place instead of a new temporary file per start.
 *
 * <p>{@code RocksDB.loadLibrary()} copies the 15 MB library to a fresh file in {@code java.io.tmpdir} at every start
 * and deletes it only at a normal JVM exit, so every killed or crashed broker leaves one behind. Here the library is
 * copied once into {@code <java.io.tmpdir>/starling-rocksdbjni-<user>/<crc>/} (the CRC-32 of the library in the jar,
 * so another rocksdbjni version gets its own directory), by a write to a temporary name and an atomic rename, so
 * that concurrent starts never load a half-written file, and every later start loads that copy. The directory must be
 * owned by this user and writable by no one else, or it is not used. {@code -Dstarling.store.nativeDir=DIR} chooses
 * another directory (when {@code java.io.tmpdir} is mounted noexec, for example). Whatever fails here falls back to
 * RocksDB's own loading.
 */
final class NativeLibrary {
    static final String DIRECTORY_PROPERTY = "starling.store.nativeDir";
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibrary.class);
    private static boolean loaded;

    private NativeLibrary() {}

    static synchronized void load() {
        if (loaded) {
            return;
        }
        Path dir = null;
        try {
            dir = extract();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not keep RocksDB's native library in a fixed directory ({}); RocksDB extracts it to a "
                    + "temporary file instead", e.toString());
        }
        if (dir != null) {
            try {
                RocksDB.loadLibrary(List.of(dir.toString()));
                loaded = true;
                LOG.debug("Loaded RocksDB's native library from {}", dir);
                return;
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                LOG.warn("Could not load RocksDB's native library from {} ({}); RocksDB extracts it to a temporary "
                        + "file instead", dir, e.toString());
            }
        }
        RocksDB.loadLibrary();
        loaded = true;
    }

    /** The directory holding the library under the name RocksDB looks for, or null if there is no such library. */
    private static Path extract() throws IOException {
        String name = Environment.getJniLibraryFileName("rocksdb"); // librocksdbjni-linux64.so: the jar's entry
        URL resource = RocksDB.class.getClassLoader().getResource(name);
        if (resource == null) {
            LOG.debug("No {} in the class path", name);
            return null;
        }
        Identity identity = identity(resource);
        long crc = identity.crc();
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        Path base = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "starling-rocksdbjni-" + System.getProperty("user.name"));
        Path dir = base.resolve(String.format("%08x", crc)).toAbsolutePath();
        Path library = dir.resolve(name);
        // complete or absent (atomic rename), in a directory only this user writes: the size is check enough
        if (Files.isRegularFile(library) && Files.size(library) == identity.size()) {
            checkPrivate(base);
            checkPrivate(dir);
            alias(dir, library);
            return dir;
        }
        createPrivate(base);
        createPrivate(dir);
        Path partial = Files.createTempFile(dir, name, ".partial");
        try {
            try (InputStream in = resource.openStream()) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            if (identity(partial.toUri().toURL()).crc() != crc) {
                throw new IOException("the copy of " + name + " does not match the jar's");
            }
            try {
                Files.move(partial, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, library, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(partial);
        }
        LOG.info("Copied RocksDB's native library to {}", library);
        alias(dir, library);
        return dir;
    }

    /**
     * {@code RocksDB.loadLibrary(List)} of rocksdbjni 10.10 looks in each directory for the name it derives from
     * "rocksdbjni" ({@code librocksdbjnijni-linux64.so}), not for the jar's {@code librocksdbjni-linux64.so}: a hard
     * link (or copy) under that name serves this version, and the jar's name any version that derives it from
     * "rocksdb".
     */
    private static void alias(Path dir, Path library) throws IOException {
        Path alias = dir.resolve(Environment.getJniLibraryFileName("rocksdbjni"));
        if (alias.equals(library) || Files.isRegularFile(alias) && Files.size(alias) == Files.size(library)) {
            return;
        }
        Path partial = dir.resolve(alias.getFileName() + "." + ProcessHandle.current().pid() + ".partial");
        try {
            Files.deleteIfExists(partial);
            try {
                Files.createLink(partial, library);
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(library, partial);
            }
            try {
                Files.move(partial, alias, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, alias, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private record Identity(long crc, long size) {}

    /** The CRC-32 and size the jar records for the entry (no need to read 15 MB), or the resource's own. */
    private static Identity identity(URL resource) throws IOException {
        URLConnection connection = resource.openConnection();
        if (connection instanceof JarURLConnection jar) {
            JarEntry entry = jar.getJarEntry();
            if (entry != null && entry.getCrc() != -1 && entry.getSize() != -1) {
                return new Identity(entry.getCrc(), entry.getSize());
            }
        }
        CRC32 crc = new CRC32();
        long size = 0;
        try (InputStream in = resource.openStream()) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
                size += n;
            }
        }
        return new Identity(crc.getValue(), size);
    }

    private static void createPrivate(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            try {
                if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir);
                }
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // created by a concurrent start: checked below
            }
        }
        checkPrivate(dir);
    }

    /** A library another user could replace must not be loaded. */
    private static void checkPrivate(Path dir) throws IOException {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        String owner = Files.getOwner(dir).getName();
        if (!owner.equals(System.getProperty("user.name"))) {
            throw new IOException(dir + " belongs to " + owner);
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
        if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(dir + " is writable by others");
        }
    }
}
