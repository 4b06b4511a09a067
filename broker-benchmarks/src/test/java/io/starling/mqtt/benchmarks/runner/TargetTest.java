package io.starling.mqtt.benchmarks.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the runner launches Starling and the peers with and without their data on disk. */
class TargetTest {
    /** The usage lines of the launcher with the durable store (5afa984) and of the one without. */
    private static final String USAGE_WITH_STORE =
            "usage: java -jar starling-broker.jar [--host ADDR] [--port N] [--config FILE] [--data-dir DIR | --in-memory]";
    private static final String USAGE_WITHOUT_STORE =
            "usage: java -jar starling-broker.jar [--host ADDR] [--port N] [--config FILE]";

    @TempDir
    Path work;

    @Test
    void durableStarlingUsesTheRunsDataDirectoryWithTheDefaultSyncDurability() throws IOException {
        RunnerOptions o = options(launcher("with-store", USAGE_WITH_STORE));

        List<String> cmd = Target.STARLING_DURABLE.command(o, 1883, work);

        Path data = work.resolve("data");
        assertThat(Target.STARLING_DURABLE.dataDir(work)).isEqualTo(data);
        assertThat(Target.STARLING_DURABLE.missing(o)).isNull();
        assertThat(cmd).doesNotContain("--in-memory").containsSubsequence("--data-dir", data.toString());
        assertThat(Files.readString(work.resolve("starling.conf"))).doesNotContain("durability")
                .contains("port = 1883");
    }

    @Test
    void periodicStarlingCommitsEvery100Milliseconds() throws IOException {
        List<String> cmd = Target.STARLING_PERIODIC.command(options(launcher("with-store", USAGE_WITH_STORE)), 1883,
                work);

        assertThat(cmd).doesNotContain("--in-memory").containsSubsequence("--data-dir", work.resolve("data").toString());
        assertThat(Files.readAllLines(work.resolve("starling.conf")))
                .contains("durability = periodic", "sync_interval_ms = 100");
    }

    @Test
    void latencyFirstStarlingSetsTheLoopBusySignalAndNothingElse() throws IOException {
        RunnerOptions o = options(launcher("with-store", USAGE_WITH_STORE));
        List<String> cmd = Target.STARLING_LATENCY.command(o, 1883, work);

        assertThat(cmd).contains("--in-memory").doesNotContain("--data-dir");
        List<String> latency = Files.readAllLines(work.resolve("starling.conf"));
        assertThat(latency).contains("overload_loop_busy_fraction = 0.4");
        Target.STARLING.command(o, 1883, work);
        List<String> plain = Files.readAllLines(work.resolve("starling.conf"));
        assertThat(plain).doesNotContain("overload_loop_busy_fraction = 0.4");
        latency.remove("overload_loop_busy_fraction = 0.4");
        assertThat(latency.stream().filter(l -> !l.isBlank())).containsExactlyElementsOf(
                plain.stream().filter(l -> !l.isBlank()).toList());
        assertThat(Target.STARLING_LATENCY.dataDir(work)).isNull();
    }

    @Test
    void starlingRunsInMemoryWhetherOrNotItsLauncherHasAStore() throws IOException {
        RunnerOptions withStore = options(launcher("with-store", USAGE_WITH_STORE));
        RunnerOptions withoutStore = options(launcher("without-store", USAGE_WITHOUT_STORE));

        assertThat(Target.STARLING.command(withStore, 1883, work)).contains("--in-memory").doesNotContain("--data-dir");
        // a launcher without a store refuses --in-memory, and has nothing to run the durable targets with
        assertThat(Target.STARLING.command(withoutStore, 1883, work)).doesNotContain("--in-memory", "--data-dir");
        assertThat(Target.STARLING_DURABLE.missing(withoutStore)).contains("has no durable store");
        assertThat(Target.STARLING.dataDir(work)).isNull();
    }

    @Test
    void persistentMosquittoSavesIntoTheRunsDataDirectoryEverySecond() throws IOException {
        RunnerOptions o = options(work.resolve("no.jar"));
        Target.MOSQUITTO_PERSISTENT.command(o, 1883, work);

        Path data = Target.MOSQUITTO_PERSISTENT.dataDir(work);
        assertThat(data).isDirectory();
        // started as root, mosquitto writes as the user mosquitto
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwxrwxrwx");
        assertThat(Files.readAllLines(work.resolve("mosquitto.conf"))).contains("persistence true",
                "persistence_location " + data + "/", "autosave_interval 1").doesNotContain("persistence false");

        Target.MOSQUITTO.command(o, 1883, work);
        assertThat(Files.readAllLines(work.resolve("mosquitto.conf"))).contains("persistence false")
                .noneMatch(line -> line.startsWith("persistence_location"));
    }

    @Test
    void hivemqIsToldItsPersistenceMode() throws IOException {
        RunnerOptions o = options(work.resolve("no.jar"));
        assertThat(Target.HIVEMQ.command(o, 1883, work)).endsWith("in-memory");
        assertThat(Target.HIVEMQ_PERSISTENT.command(o, 1883, work)).endsWith("file");
        assertThat(Target.HIVEMQ_PERSISTENT.dataDir(work)).isEqualTo(work.resolve("data"));
        assertThat(Target.HIVEMQ.dataDir(work)).isNull();
    }

    @Test
    void extraJvmFlagsGoToTheJvmTargetsAfterTheRunsFlagsAndNotToMosquitto() throws IOException {
        RunnerOptions o = options(launcher("with-store", USAGE_WITH_STORE));
        List<String> gc = GcLog.flags(work.resolve("gc.log"));

        assertThat(Target.STARLING.command(o, 1883, work, gc)).containsSubsequence("-Xmx512m", gc.get(0), "-jar");
        assertThat(Target.HIVEMQ.command(o, 1883, work, gc)).containsSubsequence("-Xmx512m", gc.get(0), "-cp");
        assertThat(Target.MOSQUITTO.command(o, 1883, work, gc)).noneMatch(a -> a.startsWith("-Xlog"));
        assertThat(Target.STARLING.command(o, 1883, work)).noneMatch(a -> a.startsWith("-Xlog"));
    }

    private static RunnerOptions options(Path starlingJar) {
        return RunnerOptions.parse(new String[] {"quick", "--starling-jar", starlingJar.toString(), "--hivemq-cp",
            "/x/hivemq", "--mosquitto", "/x/mosquitto"});
    }

    /** A jar whose main class prints {@code usage}, as the launcher does for {@code --help}. */
    private Path launcher(String name, String usage) throws IOException {
        Path jar = work.resolve(name + ".jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeLauncher.class.getName());
        String entry = FakeLauncher.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest);
                InputStream bytes = FakeLauncher.class.getResourceAsStream("/" + entry)) {
            out.putNextEntry(new JarEntry(entry));
            bytes.transferTo(out);
            out.putNextEntry(new JarEntry("usage.txt"));
            out.write(usage.getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }
}
