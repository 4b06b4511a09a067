package io.starling.mqtt.benchmarks.runner;

import io.starling.mqtt.benchmarks.flood.FloodParams;
import io.starling.mqtt.benchmarks.load.Params;
import io.starling.mqtt.benchmarks.load.Scenario;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The runner's command line. */
record RunnerOptions(String mode, List<Scenario> scenarios, List<Target> targets, Path starlingJar,
        String hivemqClasspath, String moquetteClasspath, String mosquitto, List<String> jvmFlags, Path report,
        Path charts, Path work, String command, int port, Params params, FloodParams flood) {

    static final String USAGE = """
            usage: Runner full|quick|smoke [scenario...] [key=value...] (no scenario: all but the persistent ones,
                   and in smoke mode but flood)
                   [--targets starling,hivemq,moquette,mosquitto,ceiling] (also: starling-durable, starling-periodic,
                   starling-latency, hivemq-persistent, mosquitto-persistent) [--starling-jar JAR]
                   [--hivemq-cp CP] [--moquette-cp CP] [--mosquitto PATH] [--jvm-flags "FLAGS"]
                   [--report FILE] [--charts DIR] [--work DIR] [--port N] [--command "as typed"]""";

    static RunnerOptions parse(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException(USAGE);
        }
        String mode = args[0];
        List<Scenario> scenarios = new ArrayList<>();
        List<Target> targets = Target.defaults();
        String env = System.getenv("STARLING_JAR");
        Path starlingJar = Path.of(env != null && !env.isBlank() ? env : "broker-examples/target/starling-broker.jar");
        String hivemq = null;
        String moquette = null;
        String mosquitto = "/usr/sbin/mosquitto";
        List<String> jvmFlags = List.of("-Xms512m", "-Xmx512m", "-XX:+UseG1GC");
        Path report = null;
        Path charts = null;
        Path work = Path.of("broker-benchmarks/target/perf");
        String command = "Runner " + String.join(" ", args);
        int port = 0;
        Map<String, String> overrides = new LinkedHashMap<>();
        Map<String, String> floodOverrides = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--") && i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value\n" + USAGE);
            }
            switch (a) {
                case "--targets" -> targets = Arrays.stream(args[++i].split(",")).map(String::strip)
                        .filter(s -> !s.isEmpty()).map(Target::byId).toList();
                case "--starling-jar" -> starlingJar = Path.of(args[++i]);
                case "--hivemq-cp" -> hivemq = args[++i];
                case "--moquette-cp" -> moquette = args[++i];
                case "--mosquitto" -> mosquitto = args[++i];
                case "--jvm-flags" -> jvmFlags = Arrays.stream(args[++i].split("\\s+")).filter(s -> !s.isEmpty()).toList();
                case "--report" -> report = Path.of(args[++i]);
                case "--charts" -> charts = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--command" -> command = args[++i];
                default -> {
                    if (a.startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
                    } else if (a.contains("=")) {
                        Params.parseOverride(a, FloodParams.owns(a) ? floodOverrides : overrides);
                    } else {
                        scenarios.add(Scenario.byId(a));
                    }
                }
            }
        }
        if (scenarios.isEmpty()) {
            scenarios.addAll(Arrays.stream(Scenario.values()).filter(s -> !s.onlyWhenNamed()).toList());
            if (mode.equals("smoke")) {
                scenarios.remove(Scenario.FLOOD); // seconds per broker even when small: smoke runs it only by name
            }
        }
        return new RunnerOptions(mode, List.copyOf(scenarios), List.copyOf(targets), starlingJar, hivemq, moquette,
                mosquitto, jvmFlags, report, charts, work, command, port, Params.of(mode, overrides),
                FloodParams.of(mode, floodOverrides));
    }

    /** The java launcher running this runner; the JVM brokers use the same. */
    String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    String jcmd() {
        return Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    }

    /** The runner's own class path (benchmarks.jar), for the ceiling relay. */
    String ownClasspath() {
        return System.getProperty("java.class.path");
    }
}
