package io.starling.mqtt.benchmarks.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs scenarios against a broker that is already running:
 * {@code java -cp benchmarks.jar io.starling.mqtt.benchmarks.load.LoadMain [--host H] [--port P] [--mode quick]
 * [--pid PID] [key=value...] scenario...}. With {@code --pid}, the broker's CPU and memory are read from /proc.
 */
public final class LoadMain {
    private LoadMain() {}

    public static void main(String[] args) throws InterruptedException {
        String host = "127.0.0.1";
        int port = 1883;
        String mode = "quick";
        long pid = -1;
        Map<String, String> overrides = new LinkedHashMap<>();
        List<Scenario> scenarios = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--mode" -> mode = args[++i];
                case "--pid" -> pid = Long.parseLong(args[++i]);
                default -> {
                    if (args[i].contains("=")) {
                        Params.parseOverride(args[i], overrides);
                    } else {
                        Scenario scenario = Scenario.byId(args[i]);
                        if (scenario.separate()) {
                            // Their own drivers and phases: the runner has them.
                            System.err.println("scenario '" + args[i] + "' runs through the runner: "
                                    + "broker-benchmarks/run.sh quick " + args[i]);
                            System.exit(2);
                        }
                        scenarios.add(scenario);
                    }
                }
            }
        }
        if (scenarios.isEmpty()) {
            System.err.println("usage: LoadMain [--host H] [--port P] [--mode full|quick|smoke] [--pid BROKER_PID] "
                    + "[key=value...] scenario...\nscenarios: " + Scenario.ids());
            System.exit(2);
        }
        Params params = Params.of(mode, overrides);
        BrokerProbe probe = pid > 0 ? new PidProbe(pid) : BrokerProbe.NONE;
        System.out.println("transport " + Transport.name());
        for (Scenario s : scenarios) {
            System.out.println(new LoadGenerator(host, port, params, probe).run(s).withTarget(host + ":" + port).summary());
        }
    }

    /** CPU and RSS of a process by pid; no heap figures. */
    record PidProbe(long pid) implements BrokerProbe {
        @Override
        public double cpuSeconds() {
            return ProcStat.cpuSeconds(pid);
        }

        @Override
        public long rssBytes() {
            return ProcStat.rssBytes(pid);
        }

        @Override
        public long peakRssBytes() {
            return ProcStat.peakRssBytes(pid);
        }

        @Override
        public long heapAfterGcBytes() {
            return -1;
        }
    }
}
