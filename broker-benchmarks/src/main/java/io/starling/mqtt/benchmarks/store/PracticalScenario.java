package io.starling.mqtt.benchmarks.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scenario 6, the measurable part: how long a fresh JVM takes to open an empty store (class loading, native library
 * extraction and loading), to reopen it, and the child JVM's whole run, against a JVM that opens nothing. Medians of
 * {@code runs} fresh JVMs per engine.
 */
final class PracticalScenario {
    private final Path base;

    PracticalScenario(Path base) {
        this.base = base;
    }

    String run(List<Engine> engines, int runs) throws IOException, InterruptedException {
        Table table = new Table("engine", "first open in a fresh JVM ms", "reopen ms", "whole child JVM ms",
                "JVM alone ms");
        double[] baseline = new double[runs];
        for (int i = 0; i < runs; i++) {
            baseline[i] = child("none", base.resolve("none"))[2];
        }
        for (Engine engine : engines) {
            double[] first = new double[runs];
            double[] reopen = new double[runs];
            double[] whole = new double[runs];
            for (int i = 0; i < runs; i++) {
                Path dir = Dirs.fresh(base, "open-" + engine.id());
                try {
                    double[] r = child(engine.id(), dir);
                    first[i] = r[0];
                    reopen[i] = r[1];
                    whole[i] = r[2];
                } finally {
                    Dirs.delete(dir);
                }
            }
            table.row(engine.id(), String.format("%.0f", median(first)), String.format("%.1f", median(reopen)),
                    String.format("%.0f", median(whole)), String.format("%.0f", median(baseline)));
        }
        return table.markdown();
    }

    private static double[] child(String engine, Path dir) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                OpenProbe.class.getName(), engine, dir.toString()));
        long t = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int exit = p.waitFor();
        double wholeMs = (System.nanoTime() - t) / 1e6;
        if (exit != 0) {
            throw new IllegalStateException("OpenProbe " + engine + " exited " + exit + ": " + out);
        }
        String[] parts = out.lines().reduce((a, b) -> b).orElse("").split(" ");
        return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), wholeMs};
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
