package io.starling.mqtt.benchmarks.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes this process has sent towards the disk, from Linux's {@code /proc/self/io}: {@code write_bytes} (counted when
 * a page is dirtied, by every thread, the engines' native ones included) minus {@code cancelled_write_bytes}
 * (dirty pages of files deleted before they were written back). The difference over a run divided by the
 * messages written is the engine's write amplification, which wears flash and competes with everything else on
 * the disk. -1 where the file is missing (not Linux).
 */
final class DiskWrites {
    private static final Path IO = Path.of("/proc/self/io");

    private DiskWrites() {}

    static long now() {
        try {
            long written = -1;
            long cancelled = 0;
            for (String line : Files.readAllLines(IO)) {
                if (line.startsWith("write_bytes:")) {
                    written = Long.parseLong(line.substring(12).trim());
                } else if (line.startsWith("cancelled_write_bytes:")) {
                    cancelled = Long.parseLong(line.substring(22).trim());
                }
            }
            return written < 0 ? -1 : written - cancelled;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Kilobytes per unit of the bytes written between two readings, or "n/a". */
    static String kbPer(long before, long after, double units) {
        if (before < 0 || after < 0 || units <= 0) {
            return "n/a";
        }
        double kb = (after - before) / 1024.0 / units;
        return kb >= 10 ? String.format("%.0f", kb) : String.format("%.1f", kb);
    }
}
