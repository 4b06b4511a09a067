package io.starling.mqtt.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CrashChild} JVM on this test's class path. Only complete lines (ending in ';') count: a line cut by the
 * kill is dropped.
 */
final class Child implements AutoCloseable {
    private final Process process;
    private final Thread reader;
    private final List<String> lines = new ArrayList<>();
    private final Path stderr;
    private final Path linesFile;

    private Child(Process process, Path stderr, Path linesFile) {
        this.process = process;
        this.stderr = stderr;
        this.linesFile = linesFile;
        this.reader = new Thread(this::read, "child-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static Child start(String mode, Path dir, Path scratch) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            Path stderr = Files.createTempFile(scratch, "child", ".err");
            Path linesFile = Files.createTempFile(scratch, "child", ".lines");
            Process process = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), mode, dir.toString(),
                    linesFile.toString())
                    .redirectError(stderr.toFile())
                    .start();
            return new Child(process, stderr, linesFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.endsWith(";")) {
                    synchronized (lines) {
                        lines.add(line.substring(0, line.length() - 1));
                    }
                }
            }
        } catch (IOException e) {
            // the process died: what was read is what counts
        }
    }

    /** The complete lines so far. */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    boolean printed(String prefix) {
        return lines().stream().anyMatch(l -> l.startsWith(prefix));
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * SIGKILL, then every line it managed to write, from the file it writes them to as well: the tail of what came
     * through the pipe has been seen to miss lines the child wrote before its kill (in about one run of three), which
     * made a correct store look as if it lost acknowledged writes.
     */
    List<String> kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the child outlived SIGKILL");
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
        List<String> fromFile = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(linesFile, StandardCharsets.UTF_8)) {
                if (line.endsWith(";")) {
                    fromFile.add(line.substring(0, line.length() - 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> piped = lines();
        if (fromFile.size() != piped.size()) {
            System.out.printf("child: %d complete lines in its file, %d through the pipe%n", fromFile.size(), piped.size());
        }
        return fromFile;
    }

    /** Closes its standard input (a holding child then closes its store and exits) and waits for it. */
    int finish() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the child did not exit");
        }
        return process.exitValue();
    }

    String stderr() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
