package io.starling.mqtt.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * The standalone launcher in a child JVM for {@link CrashRecoveryIT}, as {@code StandaloneBrokerIT} runs it:
 * {@code java -jar starling-broker.jar ...}, output to files, started once its listening line is printed.
 */
final class CrashBroker {
    private static final Pattern LISTENING =
            Pattern.compile("Starling MQTT broker listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Duration STARTUP = Duration.ofSeconds(30);
    /** What a JVM ended by a signal reports: 128 + the signal number. */
    private static final int SIGKILL_EXIT = 128 + 9;

    private final Process process;
    private final Path out;
    private final Path err;
    private final int port;

    private CrashBroker(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
        this.port = awaitListening();
    }

    /** {@code <starling.target>/starling-broker.jar} when that property is set, else this module's target/. */
    static Path jar() {
        String target = System.getProperty("starling.target");
        Path folder = target != null && !target.isBlank()
                ? Path.of(target)
                : Path.of(System.getProperty("user.dir"), "target");
        return folder.resolve("starling-broker.jar").toAbsolutePath();
    }

    /** Starts the launcher with {@code args}, output in {@code logs/<name>.out|err}, and waits until it listens. */
    static CrashBroker start(Path logs, String name, String... args) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-jar", jar().toString()));
        command.addAll(List.of(args));
        Path out = logs.resolve(name + ".out");
        Path err = logs.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS"));
        Process process = builder.start();
        try {
            return new CrashBroker(process, out, err);
        } catch (RuntimeException | Error e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private int awaitListening() {
        try {
            await().atMost(STARTUP)
                    .failFast("launcher exited early", () -> !process.isAlive())
                    .until(() -> LISTENING.matcher(read(out)).find());
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError("the broker did not start: " + e.getMessage() + "\n" + describe(), e);
        }
        Matcher m = LISTENING.matcher(read(out));
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    int port() {
        return port;
    }

    /** SIGKILL (what {@link Process#destroyForcibly()} sends on Linux): no shutdown hook, no store close. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("killed broker gone within 10 s").isTrue();
        assertThat(process.isAlive()).isFalse();
        assertThat(ProcessHandle.of(process.pid()).filter(ProcessHandle::isAlive)).as("process " + process.pid())
                .isEmpty();
        assertThat(process.exitValue()).as("exit code of a JVM ended by SIGKILL\n%s", describe())
                .isEqualTo(SIGKILL_EXIT);
    }

    /** SIGTERM: the launcher's shutdown hook stops the broker and closes the store. */
    void stop() throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("broker stopped on SIGTERM\n%s", describe()).isTrue();
    }

    /** Kills the process if a failed test left it running. */
    void destroyIfAlive() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    String describe() {
        return "--- " + out + " ---\n" + read(out) + "--- " + err + " ---\n" + tail(read(err), 4000);
    }

    private static String tail(String s, int chars) {
        return s.length() <= chars ? s : "..." + s.substring(s.length() - chars);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
