package io.starling.mqtt.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Linux /proc readings of a process: CPU time from {@code stat}, RSS and its peak from {@code status}. */
public final class ProcStat {
    /** USER_HZ: the unit of utime and stime; 100 on every mainstream Linux build. */
    private static final double TICKS_PER_SECOND = Double.parseDouble(System.getProperty("bench.clkTck", "100"));

    private ProcStat() {}

    /** utime + stime in seconds, NaN when the process is gone. */
    public static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after the command name, which is in parentheses and may contain spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state): utime is field 14, stime field 15
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    public static long rssBytes(long pid) {
        return statusKb(pid, "VmRSS:");
    }

    public static long peakRssBytes(long pid) {
        return statusKb(pid, "VmHWM:");
    }

    private static long statusKb(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).replace("kB", "").strip()) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone or not Linux
        }
        return -1;
    }

    public static long self() {
        return ProcessHandle.current().pid();
    }
}
