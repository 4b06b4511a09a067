package io.starling.mqtt.benchmarks.runner;

import io.starling.mqtt.benchmarks.load.HeapSample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap of a JVM broker over time, from the unified GC log the runner asks for in the overload and slow-consumer
 * scenarios ({@link #flags}): every pause's heap in use before and after it, placed on the scenario's clock by the
 * log's wall-clock decoration.
 */
final class GcLog {
    /** {@code [2026-11-26T05:30:01.234+0000] GC(12) Pause Young (Normal) (G1 Evacuation Pause) 300M->12M(512M) 3.4ms}. */
    private static final Pattern LINE = Pattern.compile(
            "^\\[([^\\]]+)\\].*GC\\(\\d+\\) (Pause .*?) (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    private GcLog() {}

    /** JVM flags that write the log to {@code file}: GC pauses with wall-clock time. */
    static List<String> flags(Path file) {
        return List.of("-Xlog:gc:file=" + file.toAbsolutePath() + ":time");
    }

    /** The pauses in {@code file}, seconds after {@code startEpochMillis}; empty when the file is missing. */
    static List<HeapSample> read(Path file, long startEpochMillis) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), startEpochMillis);
        } catch (IOException e) {
            return List.of();
        }
    }

    static List<HeapSample> parse(List<String> lines, long startEpochMillis) {
        List<HeapSample> samples = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (!m.find()) {
                continue;
            }
            long at;
            try {
                at = OffsetDateTime.parse(m.group(1), TIME).toInstant().toEpochMilli();
            } catch (RuntimeException e) {
                continue;
            }
            samples.add(new HeapSample((at - startEpochMillis) / 1e3, bytes(m.group(3), m.group(4)),
                    bytes(m.group(5), m.group(6)), m.group(2).startsWith("Pause Full")));
        }
        return samples;
    }

    private static long bytes(String value, String unit) {
        long v = Long.parseLong(value);
        return switch (unit) {
            case "K" -> v << 10;
            case "M" -> v << 20;
            default -> v << 30;
        };
    }
}
