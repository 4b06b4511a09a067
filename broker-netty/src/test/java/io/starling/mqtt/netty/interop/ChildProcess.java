package io.starling.mqtt.netty.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A third-party client run as a child process for interop tests: explicit argument list, stdout and stderr captured
 * in files (so reading them never blocks), bounded waits, and a forced kill on close.
 */
final class ChildProcess implements AutoCloseable {
    private final List<String> command;
    private final Process process;
    private final Path out;
    private final Path err;

    private ChildProcess(List<String> command, Process process, Path out, Path err) {
        this.command = command;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /**
     * Starts {@code command} with stdout and stderr in {@code dir/name-N.out} and {@code dir/name-N.err}, N the first
     * number from 1 whose files do not exist yet (so every process of a test keeps its own output).
     */
    static ChildProcess start(Path dir, String name, List<String> command) {
        return start(dir, name, command, null);
    }

    /** As {@link #start(Path, String, List)}, with stdin read from {@code stdin} when it is not null. */
    static ChildProcess start(Path dir, String name, List<String> command, Path stdin) {
        int n = 1;
        while (Files.exists(dir.resolve(name + "-" + n + ".out"))) {
            n++;
        }
        Path out = dir.resolve(name + "-" + n + ".out");
        Path err = dir.resolve(name + "-" + n + ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        } else {
            builder.redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        }
        try {
            return new ChildProcess(List.copyOf(command), builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File("/dev/null");
    }

    Process process() {
        return process;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stdout() {
        return read(out);
    }

    String stderr() {
        return read(err);
    }

    List<String> stdoutLines() {
        return stdout().lines().toList();
    }

    /** Waits for the process to end and returns its exit code; fails (and kills it) if it is still running. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("still running after " + timeout + ": " + describe());
        }
        return process.exitValue();
    }

    /** SIGKILL: the client's socket is closed by the kernel, without a DISCONNECT. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            throw new AssertionError("not dead 5 s after SIGKILL: " + describe());
        }
    }

    /** The command line and everything it printed, for failure messages. */
    String describe() {
        return String.join(" ", command) + "\n--- stdout ---\n" + stdout() + "--- stderr ---\n" + stderr();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
