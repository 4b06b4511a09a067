package io.starling.mqtt.benchmarks.store;

import io.starling.mqtt.benchmarks.store.GroupCommitScenario.Load;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Runs the store-engine comparison of decision 0013 and prints its tables in Markdown on stdout (progress on
 * stderr). Each scenario works in its own directory under {@code --dir} and deletes it afterwards.
 *
 * <pre>
 * java -Xms2g -Xmx2g -cp broker-benchmarks/target/benchmarks.jar io.starling.mqtt.benchmarks.store.StoreBench \
 *     [--dir /tmp/starling-store-bench] [--engines mvstore,rocksdb] [--quick] \
 *     [groupcommit] [churn] [recovery] [retained] [crash] [practical]
 * </pre>
 *
 * <p>No scenario named runs them all (about 10 minutes on two cores; {@code --quick} shrinks every scenario for a
 * smoke run of about two minutes).
 */
public final class StoreBench {
    private static final List<String> ALL = List.of("groupcommit", "churn", "recovery", "retained", "crash",
            "practical");

    private StoreBench() {}

    public static void main(String[] args) throws Exception {
        Path base = Path.of("/tmp/starling-store-bench");
        List<Engine> engines = List.of(Engine.values());
        boolean quick = false;
        List<String> scenarios = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> base = Path.of(args[++i]);
                case "--engines" -> engines = Arrays.stream(args[++i].split(",")).map(Engine::of).toList();
                case "--quick" -> quick = true;
                default -> {
                    if (!ALL.contains(args[i])) {
                        throw new IllegalArgumentException("unknown argument " + args[i] + "; scenarios: " + ALL);
                    }
                    scenarios.add(args[i]);
                }
            }
        }
        if (scenarios.isEmpty()) {
            scenarios.addAll(ALL);
        }
        Files.createDirectories(base);
        System.out.printf(Locale.ROOT, "Java %s, %d cores, %s; store directory %s%n%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), quick ? "quick" : "full", base);
        for (String scenario : scenarios) {
            long start = System.nanoTime();
            String table = switch (scenario) {
                case "groupcommit" -> new GroupCommitScenario(base, quick ? 300 : 500, quick ? 700 : 1500).run(
                        engines,
                        quick ? List.of(new Load(1, 1), new Load(32, 1))
                                : List.of(new Load(1, 1), new Load(4, 1), new Load(32, 1), new Load(4, 256)),
                        quick ? new int[] {64} : new int[] {64, 1024}, new int[] {1, 10}, 2);
                case "churn" -> new ChurnScenario(base).run(engines,
                        quick ? List.of(new ChurnScenario.Case(false, 100_000, 0),
                                        new ChurnScenario.Case(true, 10_000, 0))
                                : List.of(new ChurnScenario.Case(false, 1_000_000, 0),
                                        new ChurnScenario.Case(true, 100_000, 0),
                                        new ChurnScenario.Case(true, 750_000, 10_000)),
                        1024, 1000, 100);
                case "recovery" -> new RecoveryScenario(base).run(engines, 1000, quick ? 100 : 1000, 100);
                case "retained" -> new RetainedScenario(base).run(engines, 1000, quick ? 100 : 1000, 16);
                case "crash" -> new CrashScenario(base, 20260101).run(engines, List.of("sync", "periodic"),
                        quick ? 3 : 10);
                case "practical" -> new PracticalScenario(base).run(engines, quick ? 1 : 5);
                default -> throw new AssertionError(scenario);
            };
            System.out.printf("### %s (%.0f s)%n%n%s%n", scenario, (System.nanoTime() - start) / 1e9, table);
            System.out.flush();
        }
    }
}
