package io.starling.mqtt.benchmarks.runner;

import io.starling.mqtt.benchmarks.load.BrokerProbe;
import io.starling.mqtt.benchmarks.load.ProcStat;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One broker process: started with its output in a log file, ready once its port accepts a TCP connection,
 * measured from /proc (and jcmd for JVMs), stopped with SIGTERM and, after a short grace period, SIGKILL.
 */
final class BrokerProcess implements BrokerProbe {
    static final int STOP_GRACE_SECONDS = 2;
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final Target target;
    private final Process process;
    private final Path log;
    private final String jcmd;
    private final double startSeconds;

    private BrokerProcess(Target target, Process process, Path log, String jcmd, double startSeconds) {
        this.target = target;
        this.process = process;
        this.log = log;
        this.jcmd = jcmd;
        this.startSeconds = startSeconds;
    }

    /** Starts {@code target} on {@code port} and waits until the port accepts connections (at most 120 s). */
    static BrokerProcess start(Target target, RunnerOptions o, int port, Path work, Path log)
            throws IOException, InterruptedException {
        return start(target, o, port, work, log, List.of());
    }

    /** As {@link #start(Target, RunnerOptions, int, Path, Path)}, with more JVM flags for a JVM target. */
    static BrokerProcess start(Target target, RunnerOptions o, int port, Path work, Path log,
            List<String> extraJvmFlags) throws IOException, InterruptedException {
        awaitPortFree(port);
        List<String> cmd = target.command(o, port, work, extraJvmFlags);
        Files.createDirectories(log.getParent());
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        BrokerProcess broker = new BrokerProcess(target, p, log, o.jcmd(), 0);
        long deadline = t0 + TimeUnit.SECONDS.toNanos(120);
        while (!accepts(port)) {
            if (!p.isAlive()) {
                throw new IOException(target.label() + " exited with " + p.exitValue() + " before accepting connections; "
                        + "log " + log + ": " + tail(log));
            }
            if (System.nanoTime() > deadline) {
                broker.stop();
                throw new IOException(target.label() + " did not accept connections within 120 s; log " + log);
            }
            Thread.sleep(50);
        }
        return new BrokerProcess(target, p, log, o.jcmd(), (System.nanoTime() - t0) / 1e9);
    }

    double startSeconds() {
        return startSeconds;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    @Override
    public double cpuSeconds() {
        return ProcStat.cpuSeconds(process.pid());
    }

    @Override
    public long rssBytes() {
        return ProcStat.rssBytes(process.pid());
    }

    @Override
    public long peakRssBytes() {
        return ProcStat.peakRssBytes(process.pid());
    }

    /** {@code jcmd PID GC.run}, then the used heap from {@code jcmd PID GC.heap_info}; -1 for non-JVM targets. */
    @Override
    public long heapAfterGcBytes() {
        if (!target.jvm()) {
            return -1;
        }
        try {
            run(jcmd, Long.toString(process.pid()), "GC.run");
            Matcher m = HEAP_USED.matcher(run(jcmd, Long.toString(process.pid()), "GC.heap_info"));
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", cmd));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /**
     * SIGTERM, then SIGKILL after {@value #STOP_GRACE_SECONDS} s: the process is thrown away after one scenario,
     * and a graceful shutdown of a JVM broker (HiveMQ takes about 4 s) would only make the run longer.
     */
    void stop() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits (at most 30 s) until nothing listens on {@code port} any more. */
    private static void awaitPortFree(int port) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress("127.0.0.1", port));
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("port " + port + " stays in use", e);
                }
                Thread.sleep(100);
            }
        }
    }

    /** A free loopback port, picked once per run and used for every broker. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log)";
        }
    }
}
