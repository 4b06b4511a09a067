package io.starling.mqtt.benchmarks.runner;

import io.starling.mqtt.benchmarks.load.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the report says about the machine, the JDK and the versions under test. */
final class Machine {
    private Machine() {}

    static Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("nproc", Integer.toString(Runtime.getRuntime().availableProcessors()));
        m.put("CPU", firstValue(Path.of("/proc/cpuinfo"), "model name"));
        String mem = firstValue(Path.of("/proc/meminfo"), "MemTotal");
        try {
            long kb = Long.parseLong(mem.replace("kB", "").strip());
            mem = String.format("%.1f GiB", kb / 1024.0 / 1024.0);
        } catch (NumberFormatException e) {
            // keep the raw text
        }
        m.put("memory", mem);
        m.put("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vendor") + ")");
        m.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("open files limit", run("sh", "-c", "ulimit -n").strip());
        m.put("generator transport", Transport.name());
        String git = run("git", "describe", "--always", "--dirty").strip();
        if (!git.isEmpty()) {
            m.put("git", git);
        }
        return m;
    }

    /** Version numbers of the peers, from their jar names and mosquitto's help text. */
    static String version(Target t, RunnerOptions o) {
        return switch (t) {
            case STARLING, STARLING_DURABLE, STARLING_PERIODIC, STARLING_LATENCY -> o.starlingJar().toString();
            case HIVEMQ, HIVEMQ_PERSISTENT -> jarVersion(o.hivemqClasspath(), "hivemq-community-edition-embedded-");
            case MOQUETTE -> jarVersion(o.moquetteClasspath(), "moquette-broker-");
            case MOSQUITTO, MOSQUITTO_PERSISTENT -> {
                Matcher m = Pattern.compile("mosquitto version (\\S+)").matcher(run(o.mosquitto(), "-h"));
                yield m.find() ? m.group(1) : "?";
            }
            case CEILING -> "-";
        };
    }

    private static String jarVersion(String classpath, String prefix) {
        if (classpath == null) {
            return "?";
        }
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith(prefix) && name.endsWith(".jar")) {
                return name.substring(prefix.length(), name.length() - 4);
            }
        }
        return "?";
    }

    private static String firstValue(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "?";
    }

    static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(20, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
