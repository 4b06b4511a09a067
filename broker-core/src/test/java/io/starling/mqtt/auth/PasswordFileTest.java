package io.starling.mqtt.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading, editing and writing password files in mosquitto_passwd's format. */
@Timeout(30)
class PasswordFileTest {
    // Written by Debian's mosquitto_passwd 2.0.11: `mosquitto_passwd -c -b pw alice s3cret`.
    private static final String ALICE_SALT = "jZfgmcG4grImqBTp";
    private static final String ALICE = "alice:$7$101$" + ALICE_SALT
            + "$WGurbea703oHH69CUCam22iLiN2jLWpKxJmO9Tgn3vfYeA9DXjFv+t8PJpaJ4Nfu7WOIcBhXPJCs+vjMDyONhw==";
    // The shape of a $7$ line as mosquitto_passwd 2 writes it: 12-byte salt, 64-byte hash, padded Base64.
    private static final String MOSQUITTO_V7 = "^[^:]+:\\$7\\$101\\$[A-Za-z0-9+/]{16}\\$[A-Za-z0-9+/]{86}==$";

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    private static char[] chars(String s) {
        return s.toCharArray();
    }

    private static boolean verifies(PasswordFile file, String user, String password) {
        PasswordFile.PasswordHash hash = file.hashes().get(user);
        return hash != null && hash.matches(password.getBytes(StandardCharsets.UTF_8));
    }

    /** A SecureRandom that hands out the given bytes, to reproduce a known salt. */
    private static SecureRandom fixed(byte[] bytes) {
        return new SecureRandom() {
            private static final long serialVersionUID = 1L;

            @Override
            public void nextBytes(byte[] out) {
                assertThat(out).hasSameSizeAs(bytes);
                System.arraycopy(bytes, 0, out, 0, bytes.length);
            }
        };
    }

    @Test
    @DisplayName("with mosquitto_passwd's salt, withUser writes exactly the line mosquitto_passwd wrote (12-byte salt, 101 iterations, padded Base64)")
    void sameBytesAsMosquittoPasswd() {
        byte[] salt = Base64.getDecoder().decode(ALICE_SALT);
        assertThat(salt).hasSize(12);
        PasswordFile file = PasswordFile.empty().withUser("alice", chars("s3cret"), fixed(salt));
        assertThat(file.text()).isEqualTo(ALICE + "\n");
    }

    @Test
    @DisplayName("written and read back: same users in order, each password verifies, lines have mosquitto's shape")
    void roundTrip() throws IOException {
        Path path = dir.resolve("pw");
        PasswordFile.empty()
                .withUser("alice", chars("s3cret"), RANDOM)
                .withUser("bob", chars("pässwörd"), RANDOM)
                .withUser("carol", chars(""), RANDOM)
                .withUser("ünïcødé 😀", chars("x"), RANDOM)
                .write(path);
        PasswordFile read = PasswordFile.read(path);
        assertThat(read.users()).containsExactly("alice", "bob", "carol", "ünïcødé 😀");
        assertThat(Files.readAllLines(path, StandardCharsets.UTF_8)).allMatch(line -> line.matches(MOSQUITTO_V7));
        assertThat(verifies(read, "alice", "s3cret")).isTrue();
        assertThat(verifies(read, "alice", "s3cret ")).isFalse();
        assertThat(verifies(read, "bob", "pässwörd")).isTrue();
        assertThat(verifies(read, "carol", "")).isTrue();
        assertThat(verifies(read, "ünïcødé 😀", "x")).isTrue();
    }

    @Test
    @DisplayName("each new entry gets a fresh random salt, so equal passwords do not give equal lines")
    void freshSalt() {
        PasswordFile file = PasswordFile.empty()
                .withUser("a", chars("same"), RANDOM)
                .withUser("b", chars("same"), RANDOM);
        List<String> hashes = file.text().lines().map(line -> line.substring(2)).toList();
        assertThat(hashes.get(0)).isNotEqualTo(hashes.get(1));
    }

    @Test
    @DisplayName("changing one user rewrites only that line: comments, blank lines, other users and order stay byte for byte")
    void updateKeepsOtherLines() throws IOException {
        String bob = "bob:" + PasswordFile.PasswordHash.create("old".getBytes(StandardCharsets.UTF_8),
                new byte[12], 101).format();
        String dave = "dave:$6$" + Base64.getEncoder().encodeToString(new byte[12]) + "$"
                + Base64.getEncoder().encodeToString(new byte[64]);
        List<String> before = List.of("# managed by hand", ALICE, "", "  " + bob + "  ", dave, "#tail");
        Path path = Files.write(dir.resolve("pw"), before, StandardCharsets.UTF_8);

        PasswordFile.read(path).withUser("bob", chars("new"), RANDOM).write(path);

        List<String> after = Files.readAllLines(path, StandardCharsets.UTF_8);
        assertThat(after).hasSize(before.size());
        for (int i = 0; i < before.size(); i++) {
            if (i != 3) {
                assertThat(after.get(i)).as("line %d", i + 1).isEqualTo(before.get(i));
            }
        }
        assertThat(after.get(3)).matches(MOSQUITTO_V7).startsWith("bob:");
        PasswordFile read = PasswordFile.read(path);
        assertThat(read.users()).containsExactly("alice", "bob", "dave");
        assertThat(verifies(read, "bob", "new")).isTrue();
        assertThat(verifies(read, "bob", "old")).isFalse();
        assertThat(verifies(read, "alice", "s3cret")).isTrue();
    }

    @Test
    @DisplayName("a new user goes last; a user listed twice ends with one line, where the first was")
    void newUserLastDuplicatesCollapse() {
        String bob1 = "bob:" + PasswordFile.PasswordHash.create(new byte[] {1}, new byte[12], 101).format();
        String bob2 = "bob:" + PasswordFile.PasswordHash.create(new byte[] {2}, new byte[12], 101).format();
        PasswordFile file = parse(bob1, ALICE, bob2);

        PasswordFile changed = file.withUser("bob", chars("b"), RANDOM).withUser("zoe", chars("z"), RANDOM);

        assertThat(changed.users()).containsExactly("bob", "alice", "zoe");
        assertThat(changed.text().lines().toList()).hasSize(3);
        assertThat(changed.text().lines().toList().get(1)).isEqualTo(ALICE);
        assertThat(verifies(changed, "bob", "b")).isTrue();
        assertThat(file.users()).as("the original is unchanged").containsExactly("bob", "alice");
        assertThat(verifies(file, "bob", "\u0002")).as("the last of duplicate lines counts, as in Mosquitto").isTrue();
    }

    @Test
    @DisplayName("withoutUser removes every line of that user and nothing else; an unknown user changes nothing")
    void delete() {
        String bob = "bob:" + PasswordFile.PasswordHash.create(new byte[] {1}, new byte[12], 101).format();
        PasswordFile file = parse("# c", bob, ALICE, bob);

        PasswordFile without = file.withoutUser("bob");

        assertThat(without.text()).isEqualTo("# c\n" + ALICE + "\n");
        assertThat(without.contains("bob")).isFalse();
        assertThat(file.contains("bob")).isTrue();
        assertThat(file.withoutUser("nobody")).isSameAs(file);
        assertThat(PasswordFile.empty().withUser("x", chars("y"), RANDOM).withoutUser("x").text()).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"", "a:b", ":", "tab\there", "new\nline", "bell\u0007", "del\u007f", "c1\u0085",
            " lead", "trail ", "#comment", "half\uD800surrogate", "\uDC00"})
    @DisplayName("user names that would not read back unchanged are refused, and the password is still wiped")
    void badUserNames(String user) {
        char[] password = chars("secret");
        assertThatThrownBy(() -> PasswordFile.empty().withUser(user, password, RANDOM))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("user name must");
        assertThat(password).containsOnly('\0');
    }

    @Test
    @DisplayName("a user name over 65535 UTF-8 bytes is refused; one of exactly 65535 and names with '#', spaces, emoji inside are fine")
    void userNameLimits() {
        assertThatThrownBy(() -> PasswordFile.checkUserName("é".repeat(32768)))
                .hasMessage("user name must be at most 65535 bytes in UTF-8");
        PasswordFile.checkUserName("a".repeat(65535));
        PasswordFile.checkUserName("a#b");
        PasswordFile.checkUserName("first last");
        PasswordFile.checkUserName("😀");
    }

    @Test
    @DisplayName("the password array is zeroed after withUser; unpaired surrogates and over-long passwords are refused")
    void passwordHandling() {
        char[] password = chars("s3cret");
        PasswordFile file = PasswordFile.empty().withUser("alice", password, RANDOM);
        assertThat(password).containsOnly('\0');
        assertThat(verifies(file, "alice", "s3cret")).isTrue();

        char[] broken = {'a', '\uD800'};
        assertThatThrownBy(() -> PasswordFile.empty().withUser("alice", broken, RANDOM))
                .hasMessage("password is not valid UTF-16 (an unpaired surrogate)");
        assertThat(broken).containsOnly('\0');
        char[] longest = new char[65535];
        Arrays.fill(longest, 'x');
        PasswordFile.empty().withUser("alice", longest, RANDOM);
        char[] tooLong = new char[65536];
        Arrays.fill(tooLong, 'x');
        assertThatThrownBy(() -> PasswordFile.empty().withUser("alice", tooLong, RANDOM))
                .hasMessage("password must be at most 65535 bytes in UTF-8");
    }

    @Test
    @DisplayName("reading a missing file fails with NoSuchFileException; a malformed line names the file and line")
    void readErrors() throws IOException {
        assertThatThrownBy(() -> PasswordFile.read(dir.resolve("missing"))).isInstanceOf(NoSuchFileException.class);
        Path bad = Files.writeString(dir.resolve("bad"), "# ok\n" + ALICE + "\nbob:$7$101$@@@$xyz\n");
        assertThatThrownBy(() -> PasswordFile.read(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(bad + " line 3: password hash is not valid Base64");
    }

    @Test
    @DisplayName("write replaces the file and leaves no temporary file behind, also when it fails")
    void atomicWriteLeavesNoTemporaryFiles() throws IOException {
        Path path = Files.writeString(dir.resolve("pw"), ALICE + "\n");
        PasswordFile.read(path).withUser("bob", chars("b"), RANDOM).write(path);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(path);
        }
        assertThat(PasswordFile.read(path).users()).containsExactly("alice", "bob");

        // A non-empty directory cannot be renamed over: the write fails and cleans up after itself.
        Path occupied = Files.createDirectory(dir.resolve("occupied"));
        Files.writeString(occupied.resolve("inside"), "x");
        assertThatThrownBy(() -> PasswordFile.empty().withUser("a", chars("b"), RANDOM).write(occupied))
                .isInstanceOf(FileSystemException.class);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactlyInAnyOrder(path, occupied);
        }
        assertThat(occupied.resolve("inside")).hasContent("x");
    }

    @Test
    @DisplayName("the written file is rw------- (POSIX), also when it replaces a world-readable one")
    void ownerOnlyPermissions() throws IOException {
        Assumptions.assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"), "no POSIX permissions here");
        Path fresh = dir.resolve("fresh");
        PasswordFile.empty().withUser("a", chars("b"), RANDOM).write(fresh);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rw-------");

        Path open = Files.writeString(dir.resolve("open"), ALICE + "\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        PasswordFile.read(open).withUser("b", chars("c"), RANDOM).write(open);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(open))).isEqualTo("rw-------");
    }

    @Test
    @DisplayName("writing through a symbolic link replaces the file it points to and keeps the link")
    void followsSymbolicLink() throws IOException {
        Path real = Files.writeString(dir.resolve("real"), ALICE + "\n");
        Path link;
        try {
            link = Files.createSymbolicLink(dir.resolve("link"), real);
        } catch (UnsupportedOperationException | IOException e) {
            Assumptions.abort("cannot create symbolic links here: " + e);
            return;
        }
        PasswordFile.read(link).withUser("bob", chars("b"), RANDOM).write(link);
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(PasswordFile.read(real).users()).containsExactly("alice", "bob");
    }

    private PasswordFile parse(String... lines) {
        try {
            return PasswordFile.read(Files.write(Files.createTempFile(dir, "in", ""), List.of(lines)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
