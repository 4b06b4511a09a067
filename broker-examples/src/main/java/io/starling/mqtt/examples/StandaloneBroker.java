package io.starling.mqtt.examples;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.netty.StarlingBroker;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone broker: {@code java -jar starling-broker.jar [--host ADDR] [--port N] [--config FILE]}.
 * Prints one line with the bound address once it accepts connections; stops cleanly on SIGTERM or Ctrl-C.
 */
public final class StandaloneBroker {
    static final String USAGE = "usage: java -jar starling-broker.jar [--host ADDR] [--port N] [--config FILE]";

    private StandaloneBroker() {}

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("passwd")) {
            System.exit(PasswdCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.in, System.out,
                    System.err));
            return;
        }
        if (java.util.List.of(args).contains("--help") || java.util.List.of(args).contains("-h")) {
            System.out.println(USAGE);
            System.out.println("       " + PasswdCommand.USAGE.substring("usage: ".length()));
            return;
        }
        StarlingBroker broker;
        try {
            broker = StarlingBroker.create(parse(args)).start();
        } catch (LaunchException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("starling: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "starling-shutdown"));
        Reload.onSighup(broker);
        PrintStream out = System.out;
        out.println("Starling MQTT broker listening on " + broker.boundAddress());
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Command line first read for --config, then the file, then the other options, which override the file. */
    static BrokerConfig parse(String[] args) {
        // The standalone broker publishes $SYS topics every 10 s, as Mosquitto does; the file may change it.
        BrokerConfig.Builder builder = BrokerConfig.builder().sysInterval(java.time.Duration.ofSeconds(10));
        String host = null;
        String port = null;
        String config = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                throw new LaunchException(USAGE);
            }
            if (!option.equals("--host") && !option.equals("--port") && !option.equals("--config")) {
                throw new LaunchException("unknown option '" + option + "'; " + USAGE);
            }
            if (i + 1 >= args.length) {
                throw new LaunchException(option + " needs a value; " + USAGE);
            }
            String value = args[++i];
            switch (option) {
                case "--host" -> host = value;
                case "--port" -> port = value;
                default -> config = value;
            }
        }
        if (config != null) {
            ConfigFile.apply(Path.of(config), builder);
        }
        if (host != null) {
            builder.host(host);
        }
        if (port != null) {
            try {
                builder.port(Integer.parseInt(port));
            } catch (NumberFormatException e) {
                throw new LaunchException("--port needs a number, got '" + port + "'");
            }
        }
        return builder.build();
    }
}
