package io.starling.mqtt.benchmarks.load;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Lowers the CPU priority (raises the Linux nice value) of an event-loop group's threads, so that on a machine where
 * the generator shares the broker's cores, a flood competes with the broker (which has to hold it back) rather than
 * with the light clients whose latency is being measured. Each loop thread finds its own thread id through
 * {@code /proc/thread-self} and runs {@code renice}; raising one's own nice value needs no privilege. Java has no
 * per-thread nice of its own (thread priorities are ignored by default on Linux).
 */
final class ThreadNice {
    private ThreadNice() {}

    /**
     * Sets every thread of {@code group} to nice {@code niceness}; returns what happened, for the log ("nice 10 for 2
     * threads", or why not).
     */
    static String apply(EventLoopGroup group, int niceness) throws InterruptedException {
        if (niceness == 0) {
            return "nice 0 (unchanged)";
        }
        if (!Files.isSymbolicLink(Path.of("/proc/thread-self"))) {
            return "nice unchanged: no /proc/thread-self on this system";
        }
        List<Future<String>> results = new ArrayList<>();
        for (EventExecutor loop : group) {
            results.add(loop.submit(() -> reniceCurrentThread(niceness)));
        }
        List<String> failures = new ArrayList<>();
        for (Future<String> result : results) {
            try {
                String failure = result.get(10, TimeUnit.SECONDS);
                if (failure != null) {
                    failures.add(failure);
                }
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                failures.add(e.toString());
            }
        }
        return failures.isEmpty()
                ? "nice " + niceness + " for " + results.size() + " threads"
                : "nice unchanged for " + failures.size() + " of " + results.size() + " threads: " + failures.get(0);
    }

    /**
     * Sets the calling thread to nice {@code niceness}; null when done, else why not. Never throws: a thread that
     * cannot be reniced still does its work, and the caller reports why.
     */
    static String reniceCurrentThread(int niceness) {
        if (!Files.isSymbolicLink(Path.of("/proc/thread-self"))) {
            return "no /proc/thread-self on this system";
        }
        try {
            return renice(niceness);
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    /** Runs on the thread to renice; null when done, else why not. */
    private static String renice(int niceness) throws IOException, InterruptedException {
        // "/proc/thread-self" points at "<pid>/task/<tid>".
        String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
        Process p = new ProcessBuilder("renice", "-n", Integer.toString(niceness), "-p", tid)
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "renice did not finish";
        }
        if (p.exitValue() != 0) {
            return "renice exit " + p.exitValue() + ": " + output;
        }
        int now = niceOf(Files.readString(Path.of("/proc/thread-self/stat")));
        return now == niceness ? null : "renice left nice " + now;
    }

    /** The nice value in a {@code /proc/.../stat} line: field 19, counted after the parenthesised command name. */
    static int niceOf(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // fields[0] is field 3 (state), so field 19 is fields[16].
        return Integer.parseInt(fields[16]);
    }
}
