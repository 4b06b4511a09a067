package io.starling.mqtt.benchmarks.runner;

import java.io.IOException;
import java.io.InputStream;

/** The main class of the jars {@link TargetTest} builds: prints the usage text the jar carries, as a launcher would. */
final class FakeLauncher {
    private FakeLauncher() {}

    public static void main(String[] args) throws IOException {
        try (InputStream usage = FakeLauncher.class.getResourceAsStream("/usage.txt")) {
            System.out.println(new String(usage.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
