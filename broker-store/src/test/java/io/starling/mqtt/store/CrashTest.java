package io.starling.mqtt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.QoS;
import io.starling.mqtt.spi.SessionStore.Recovery;
import io.starling.mqtt.spi.SessionStore.StoredMessage;
import io.starling.mqtt.spi.SessionStore.StoredSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A store in a child JVM killed with SIGKILL while it appends, syncs and removes; the parent checks what is left. */
class CrashTest {
    private static final int CYCLES = 10;

    @TempDir
    Path tmp;

    private record Acked(String clientId, long n) {}

    @Test
    @Timeout(180)
    @DisplayName("10 SIGKILLs at random moments: every synced message is there intact, nothing synced-removed returns")
    void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path dir = tmp.resolve("data");
        Map<Long, Acked> acked = new HashMap<>();
        Set<Long> removing = new HashSet<>();
        Set<Long> removed = new HashSet<>();
        long highestKeySeen = 0;
        int totalAcks = 0;
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            String where = "cycle " + cycle + " (seed " + seed + ")";
            List<String> lines;
            try (Child child = Child.start("append", dir, tmp)) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> child.printed("READY") || !child.isAlive());
                if (!child.printed("READY")) {
                    fail(where + ": the child did not start:\n" + child.stderr());
                }
                Thread.sleep(200 + random.nextInt(800)); // the random moment of the crash is the point here
                lines = child.kill();
            }
            int acksThisCycle = 0;
            for (String line : lines) {
                String[] f = line.split(" ");
                if (f[0].equals("A")) {
                    long key = Long.parseLong(f[2]);
                    assertThat(key).as(where + ": keys keep increasing after a crash").isGreaterThan(highestKeySeen);
                    acked.put(key, new Acked(f[1], Long.parseLong(f[3])));
                    acksThisCycle++;
                } else if (f[0].equals("D")) {
                    removing.add(Long.parseLong(f[2]));
                } else if (f[0].equals("R")) {
                    removed.add(Long.parseLong(f[2]));
                }
            }
            assertThat(acksThisCycle).as(where + ": the child acknowledged something before the kill").isPositive();
            totalAcks += acksThisCycle;

            Path evidence = Path.of("target", "crash-test-failure-" + seed + "-cycle" + cycle).toAbsolutePath();
            copyTree(dir, evidence.resolve("data")); // as the kill left it: reopen replays and rewrites the log
            Files.write(evidence.resolve("child-lines.txt"), lines);
            try {
                Recovery recovery = Stores.reopen(dir); // must open without error after any kill
                Map<Long, StoredMessage> stored = new HashMap<>();
                for (StoredSession session : recovery.sessions()) {
                    assertThat(session.messages()).extracting(StoredMessage::key).as(where).isSorted();
                    for (StoredMessage m : session.messages()) {
                        assertThat(m.message().topic().value()).as(where).isEqualTo("crash/" + session.clientId());
                        stored.put(m.key(), m);
                    }
                }
                for (Map.Entry<Long, Acked> e : acked.entrySet()) {
                    long key = e.getKey();
                    Acked a = e.getValue();
                    if (removed.contains(key)) {
                        assertThat(stored).as(where + ": removed and synced, so gone: " + key).doesNotContainKey(key);
                        continue;
                    }
                    if (removing.contains(key)) {
                        continue; // killed between remove() and its sync(): either way is right
                    }
                    StoredMessage m = stored.get(key);
                    assertThat(m).as(where + ": acknowledged key " + key + " of " + a).isNotNull();
                    assertThat(m.message().payload()).as(where + ": payload of " + key).isEqualTo(Stores.payload(a.clientId, a.n));
                    assertThat(m.qos()).isEqualTo(QoS.EXACTLY_ONCE);
                    assertThat(m.packetId()).as(where + ": packet id of " + key).isEqualTo(CrashChild.packetId(a.n));
                }
                highestKeySeen = Math.max(highestKeySeen, stored.keySet().stream().mapToLong(Long::longValue).max().orElse(0));
                highestKeySeen = Math.max(highestKeySeen, acked.keySet().stream().mapToLong(Long::longValue).max().orElse(0));
                Map<String, StoredSession> sessions = recovery.sessions().stream()
                        .collect(Collectors.toMap(StoredSession::clientId, Function.identity()));
                assertThat(sessions).as(where).containsKeys("c0", "c1", "c2", "c3");
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\n(the data directory as the kill left it, and the child's "
                        + "lines: " + evidence + ")", e);
            }
            deleteTree(evidence);
        }
        System.out.printf("crash test: %d cycles, %d acknowledged appends, %d acknowledged removals, seed %d%n",
                CYCLES, totalAcks, removed.size(), seed);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
