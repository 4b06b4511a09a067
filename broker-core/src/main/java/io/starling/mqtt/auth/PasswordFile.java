package io.starling.mqtt.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A password file as {@code mosquitto_passwd} writes it, as an immutable value: read it, derive a changed copy with
 * {@link #withUser} or {@link #withoutUser}, write it back. Lines this class does not change (other users, comments,
 * blank lines) are written back exactly as read and in the same order, so an edit is a minimal diff.
 *
 * <p>New entries are {@code user:$7$101$SALT$HASH} with a 12-byte random salt and a 64-byte PBKDF2-HMAC-SHA512 hash of
 * the password's UTF-8 bytes, both in padded Base64: byte for byte what Mosquitto 2's {@code mosquitto_passwd}
 * writes, and the only salt and hash lengths the Mosquitto broker accepts.
 */
public final class PasswordFile {
    /** Mosquitto 2's default ({@code PW_DEFAULT_ITERATIONS}); more would make every CONNECT slower on Mosquitto too. */
    static final int ITERATIONS = 101;
    /** Mosquitto's {@code SALT_LEN}; its broker drops entries with any other salt length. */
    static final int SALT_LENGTH = 12;
    /** SHA-512's output; the Mosquitto broker drops entries with any other hash length. */
    static final int HASH_LENGTH = 64;
    /** The longest user name or password an MQTT CONNECT can carry, and mosquitto_passwd's limit. */
    private static final int MAX_UTF8_BYTES = 65535;

    private final List<Line> lines;

    private PasswordFile(List<Line> lines) {
        this.lines = List.copyOf(lines);
    }

    /** A file with no lines, as {@code mosquitto_passwd -c} starts from. */
    public static PasswordFile empty() {
        return new PasswordFile(List.of());
    }

    /**
     * Reads {@code file}. Blank lines and lines starting with {@code #} are kept as they are; every other line must be
     * {@code user:hash} with a {@code $7$} or {@code $6$} hash.
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist (start from {@link #empty()} to create one)
     * @throws IOException if it cannot be read or is not UTF-8
     * @throws IllegalArgumentException for a malformed line, with the file, the line number and the reason
     */
    public static PasswordFile read(Path file) throws IOException {
        List<String> text = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Line> lines = new ArrayList<>(text.size());
        for (int i = 0; i < text.size(); i++) {
            String raw = text.get(i);
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                lines.add(new Line(null, null, raw));
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected 'user:hash'");
            }
            try {
                lines.add(new Line(line.substring(0, colon), PasswordHash.parse(line.substring(colon + 1)), raw));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return new PasswordFile(lines);
    }

    /** The user names, in file order, each once. */
    public List<String> users() {
        LinkedHashSet<String> users = new LinkedHashSet<>();
        for (Line line : lines) {
            if (line.user() != null) {
                users.add(line.user());
            }
        }
        return List.copyOf(users);
    }

    public boolean contains(String user) {
        return lines.stream().anyMatch(line -> Objects.equals(line.user(), user));
    }

    /**
     * A copy in which {@code user} has a new {@code $7$} hash of {@code password}: in place of the user's first line
     * if there is one (later duplicates go), else as a new last line. {@code password} is zeroed before this returns,
     * whatever the outcome.
     *
     * @throws IllegalArgumentException if the user name is not allowed ({@link #checkUserName}) or the password is not
     *     valid UTF-16 or longer than 65535 UTF-8 bytes
     */
    public PasswordFile withUser(String user, char[] password, SecureRandom random) {
        byte[] bytes = null;
        try {
            checkUserName(user);
            Objects.requireNonNull(random, "random");
            bytes = utf8(Objects.requireNonNull(password, "password"), "password");
            byte[] salt = new byte[SALT_LENGTH];
            random.nextBytes(salt);
            PasswordHash hash = PasswordHash.create(bytes, salt, ITERATIONS);
            Line entry = new Line(user, hash, user + ":" + hash.format());
            List<Line> changed = new ArrayList<>(lines.size() + 1);
            boolean placed = false;
            for (Line line : lines) {
                if (!user.equals(line.user())) {
                    changed.add(line);
                } else if (!placed) {
                    changed.add(entry);
                    placed = true;
                }
            }
            if (!placed) {
                changed.add(entry);
            }
            return new PasswordFile(changed);
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
            if (bytes != null) {
                Arrays.fill(bytes, (byte) 0);
            }
        }
    }

    /** A copy without any line for {@code user}; this file itself if it has none. */
    public PasswordFile withoutUser(String user) {
        if (!contains(user)) {
            return this;
        }
        return new PasswordFile(lines.stream().filter(line -> !Objects.equals(line.user(), user)).toList());
    }

    /**
     * Replaces {@code file} atomically: the lines go to a temporary file in the same directory, which is flushed to
     * disk and then renamed over {@code file}, so a reader (a broker reloading, or Mosquitto) sees the old file or the
     * new one, never a part. Where the file system has POSIX permissions the result is {@code rw-------}. A symbolic
     * link is followed: its target is replaced, the link stays.
     */
    public void write(Path file) throws IOException {
        Path target = Files.exists(file) ? file.toRealPath() : file.toAbsolutePath();
        Path dir = target.getParent();
        FileAttribute<?>[] attributes = Files.getFileStore(dir).supportsFileAttributeView("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp", attributes);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer content = ByteBuffer.wrap(text().getBytes(StandardCharsets.UTF_8));
                while (content.hasRemaining()) {
                    channel.write(content);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically: " + e.getMessage(), e);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Checks that {@code user} can be written and read back unchanged, by Starling and by Mosquitto: not empty, at most
     * 65535 UTF-8 bytes, no {@code :} (it ends the name), no control characters or unpaired surrogates, no leading or
     * trailing white space (both readers strip it) and no leading {@code #} (both read such a line as a comment).
     *
     * @throws IllegalArgumentException naming the first rule broken
     */
    public static void checkUserName(String user) {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("user name must not be empty");
        }
        if (user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("user name must not contain ':'");
        }
        if (user.codePoints().anyMatch(c -> Character.isISOControl(c)
                || (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE))) {
            throw new IllegalArgumentException("user name must not contain control characters or invalid UTF-16");
        }
        if (!user.strip().equals(user)) {
            throw new IllegalArgumentException("user name must not start or end with white space");
        }
        if (user.startsWith("#")) {
            throw new IllegalArgumentException("user name must not start with '#'");
        }
        if (user.getBytes(StandardCharsets.UTF_8).length > MAX_UTF8_BYTES) {
            throw new IllegalArgumentException("user name must be at most 65535 bytes in UTF-8");
        }
    }

    /** The hash of every user; a user on several lines gets the last, as Mosquitto reads it. */
    Map<String, PasswordHash> hashes() {
        Map<String, PasswordHash> hashes = new HashMap<>();
        for (Line line : lines) {
            if (line.user() != null) {
                hashes.put(line.user(), line.hash());
            }
        }
        return hashes;
    }

    /** The file's content: one line each, every one ending in a line feed, as mosquitto_passwd writes. */
    String text() {
        StringBuilder text = new StringBuilder();
        for (Line line : lines) {
            text.append(line.text()).append('\n');
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return "PasswordFile" + users();
    }

    /** Makes the rename durable; not every platform can open a directory, and the rename itself has happened. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory; its rename is as durable as the platform makes it.
        }
    }

    private static byte[] utf8(char[] chars, String what) {
        ByteBuffer encoded;
        try {
            encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(chars));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not valid UTF-16 (an unpaired surrogate)");
        }
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        // The encoder's buffer held the password too.
        Arrays.fill(encoded.array(), (byte) 0);
        if (bytes.length > MAX_UTF8_BYTES) {
            Arrays.fill(bytes, (byte) 0);
            throw new IllegalArgumentException(what + " must be at most 65535 bytes in UTF-8");
        }
        return bytes;
    }

    /** One line as read or written: an entry when {@code user} is not null, otherwise a comment or blank line. */
    private record Line(String user, PasswordHash hash, String text) {}

    /** One stored hash: {@code $7$} (PBKDF2-HMAC-SHA512) when iterations is positive, {@code $6$} (salted SHA-512) when 0. */
    record PasswordHash(int iterations, byte[] salt, byte[] hash) {
        static PasswordHash parse(String text) {
            String[] parts = text.split("\\$", -1);
            try {
                if (parts.length == 5 && parts[0].isEmpty() && parts[1].equals("7")) {
                    int iterations = Integer.parseInt(parts[2]);
                    if (iterations < 1) {
                        throw new IllegalArgumentException("iterations must be positive");
                    }
                    return new PasswordHash(iterations, decode(parts[3]), decode(parts[4]));
                }
                if (parts.length == 4 && parts[0].isEmpty() && parts[1].equals("6")) {
                    return new PasswordHash(0, decode(parts[2]), decode(parts[3]));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad iteration count in password hash");
            }
            throw new IllegalArgumentException("unsupported password hash (expected $7$ or $6$ as mosquitto_passwd writes)");
        }

        /** A new {@code $7$} hash of {@code password} (UTF-8 bytes) with the given salt. */
        static PasswordHash create(byte[] password, byte[] salt, int iterations) {
            if (iterations < 1) {
                throw new IllegalArgumentException("iterations must be positive");
            }
            return new PasswordHash(iterations, salt.clone(), compute(password, salt, iterations, HASH_LENGTH));
        }

        private static byte[] decode(String base64) {
            try {
                return Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("password hash is not valid Base64");
            }
        }

        /** The text after {@code user:}, in mosquitto_passwd's format. */
        String format() {
            Base64.Encoder base64 = Base64.getEncoder();
            return iterations == 0
                    ? "$6$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash)
                    : "$7$" + iterations + "$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
        }

        boolean matches(byte[] password) {
            return MessageDigest.isEqual(compute(password, salt, iterations, hash.length), hash);
        }

        private static byte[] compute(byte[] password, byte[] salt, int iterations, int length) {
            try {
                if (iterations == 0) {
                    MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
                    sha512.update(password);
                    sha512.update(salt);
                    return sha512.digest();
                }
                // The JDK's PBKDF2 key factory takes chars and encodes them itself; Mosquitto hashes the password's
                // raw bytes. Computing PBKDF2 over the bytes keeps non-ASCII passwords compatible.
                return Pbkdf2.sha512(password, salt, iterations, length);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-512 is not available", e);
            }
        }

        @Override
        public String toString() {
            // Never the hash: it is enough for an offline guessing attack.
            return iterations == 0 ? "PasswordHash[$6$]" : "PasswordHash[$7$, " + iterations + " iterations]";
        }
    }

    /** PBKDF2-HMAC-SHA512 over raw password bytes (RFC 8018), as OpenSSL's PKCS5_PBKDF2_HMAC computes it. */
    static final class Pbkdf2 {
        private Pbkdf2() {}

        static byte[] sha512(byte[] password, byte[] salt, int iterations, int length) throws GeneralSecurityException {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA512");
            // HMAC pads its key with zero bytes, so one zero byte is the same key as an empty one (which
            // SecretKeySpec refuses).
            mac.init(new javax.crypto.spec.SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA512"));
            int blocks = (length + 63) / 64;
            byte[] out = new byte[length];
            for (int block = 1; block <= blocks; block++) {
                mac.update(salt);
                mac.update(new byte[] {(byte) (block >>> 24), (byte) (block >>> 16), (byte) (block >>> 8), (byte) block});
                byte[] u = mac.doFinal();
                byte[] t = u.clone();
                for (int i = 1; i < iterations; i++) {
                    u = mac.doFinal(u);
                    for (int j = 0; j < t.length; j++) {
                        t[j] ^= u[j];
                    }
                }
                System.arraycopy(t, 0, out, (block - 1) * 64, Math.min(64, length - (block - 1) * 64));
            }
            return out;
        }
    }
}
