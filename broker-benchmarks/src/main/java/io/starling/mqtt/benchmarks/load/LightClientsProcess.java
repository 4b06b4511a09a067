package io.starling.mqtt.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The light clients in a JVM of their own ({@link LightClientsMain}), so that their round trip is not also the
 * flood generator's: its threads' scheduling, its collector, its compiler. One command at a time, each answered
 * within {@link #ANSWER_SECONDS} or the scenario fails.
 */
final class LightClientsProcess implements LightClients {
    static final long ANSWER_SECONDS = 60;
    private static final String[] JVM_FLAGS = {"-Xms256m", "-Xmx256m", "-XX:+UseParallelGC"};

    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final Path log;

    private LightClientsProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.startsWith("@")) {
                        answers.add(line.substring(1));
                    }
                }
            } catch (IOException e) {
                // the process ended; a pending call times out or sees the end below
            }
            answers.add("failed the light clients' process ended");
        }, "light-clients-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * The light clients' JVM flags: the fixed ones, then {@code extra} (the environment's {@code LIGHT_JVM_FLAGS},
     * space-separated, for experiments such as {@code -XX:TieredStopAtLevel=1}); later flags win in HotSpot.
     */
    static List<String> jvmFlags(String extra) {
        List<String> flags = new ArrayList<>(List.of(JVM_FLAGS));
        String trimmed = extra == null ? "" : extra.strip();
        if (!trimmed.isEmpty()) {
            flags.addAll(List.of(trimmed.split("\\s+")));
        }
        return flags;
    }

    /** Starts the process and waits until every light client is connected and subscribed. */
    static LightClientsProcess start(String host, int port, Params params) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags(System.getenv().getOrDefault("LIGHT_JVM_FLAGS", "")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LightClientsMain.class.getName(), host,
                Integer.toString(port), params.mode()));
        for (Map.Entry<String, String> e : params.overrides().entrySet()) {
            command.add(e.getKey() + "=" + e.getValue());
        }
        Path log = Files.createTempFile("starling-light-clients", ".log");
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        LightClientsProcess lights = new LightClientsProcess(p, log);
        String ready = lights.answers.poll((long) params.d("setup.timeout") + ANSWER_SECONDS, TimeUnit.SECONDS);
        if (!"ready".equals(ready)) {
            lights.process.destroyForcibly();
            throw new LoadGenerator.ScenarioFailure("light clients' process: " + (ready == null ? "not ready" : ready)
                    + lights.logTail());
        }
        return lights;
    }

    private synchronized String call(String command) throws InterruptedException {
        try {
            commands.write(command + "\n");
            commands.flush();
        } catch (IOException e) {
            throw new LoadGenerator.ScenarioFailure("light clients' process: " + command + ": " + e + logTail());
        }
        String answer = answers.poll(ANSWER_SECONDS, TimeUnit.SECONDS);
        if (answer == null || answer.startsWith("failed")) {
            throw new LoadGenerator.ScenarioFailure("light clients' process: " + command + ": "
                    + (answer == null ? "no answer" : answer) + logTail());
        }
        return answer;
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : " | " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5),
                    lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void start() throws InterruptedException {
        call("start");
    }

    @Override
    public void resetLatency() throws InterruptedException {
        call("reset");
    }

    @Override
    public Histogram takeLatency() throws InterruptedException {
        return LightClientsMain.decode(call("take"));
    }

    @Override
    public Interval interval() throws InterruptedException {
        String[] a = call("interval").split(" ");
        return new Interval(Long.parseLong(a[0]), LightClientsMain.decode(a[1]));
    }

    @Override
    public void stop() throws InterruptedException {
        call("stop");
    }

    @Override
    public Losses losses() throws InterruptedException {
        String[] a = call("losses").split(" ");
        return new Losses(Long.parseLong(a[0]), Long.parseLong(a[1]), Long.parseLong(a[2]), Long.parseLong(a[3]),
                Integer.parseInt(a[4]));
    }

    @Override
    public void close() throws InterruptedException {
        try {
            if (process.isAlive()) {
                call("exit");
            }
        } catch (LoadGenerator.ScenarioFailure e) {
            // it is stopped below either way
        } finally {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            try {
                Files.deleteIfExists(log);
            } catch (IOException e) {
                // a temporary file
            }
        }
    }
}
