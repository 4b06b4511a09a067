package io.starling.mqtt.examples;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.netty.StarlingBroker;
import io.starling.mqtt.spi.SessionStore;
import io.starling.mqtt.store.DurableSessionStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone broker: {@code java -jar starling-broker.jar [--host ADDR] [--port N] [--ws-port N]
 * [--config FILE] [--data-dir DIR | --in-memory]}. Keeps sessions, retained messages and wills in {@code ./data} unless told
 * otherwise; prints one line with the bound address once it accepts connections; stops cleanly on SIGTERM or Ctrl-C.
 */
public final class StandaloneBroker {
    static final String USAGE = "usage: java -jar starling-broker.jar [--host ADDR] [--port N] [--ws-port N] "
            + "[--config FILE] [--data-dir DIR | --in-memory]";

    /** What the command line and the configuration file ask for. */
    record Launch(BrokerConfig config, StoreSettings store) {
        /** Opens the durable store, or none; a directory that cannot be used fails here, before any socket. */
        SessionStore openStore() {
            if (store.inMemory) {
                return SessionStore.NONE;
            }
            try {
                return DurableSessionStore.open(store.directory, store.durability());
            } catch (RuntimeException e) {
                throw new LaunchException("cannot open the data directory " + store.directory.toAbsolutePath()
                        + ": " + e.getMessage() + " (use --data-dir DIR, or --in-memory to keep nothing)");
            }
        }
    }

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
            Launch launch = launch(args);
            broker = StarlingBroker.create(launch.config(), launch.openStore());
            try {
                broker.start();
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
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
        for (var listener : broker.config().listeners()) {
            if (listener.isWebSocket()) {
                out.println("MQTT over WebSocket on " + broker.uri(listener.name()));
            }
        }
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static BrokerConfig parse(String[] args) {
        return launch(args).config();
    }

    /** Command line first read for --config, then the file, then the other options, which override the file. */
    static Launch launch(String[] args) {
        // The standalone broker publishes $SYS topics every 10 s, as Mosquitto does; the file may change it.
        BrokerConfig.Builder builder = BrokerConfig.builder().sysInterval(java.time.Duration.ofSeconds(10));
        StoreSettings store = new StoreSettings();
        String host = null;
        String port = null;
        String wsPort = null;
        String config = null;
        String dataDir = null;
        boolean inMemory = false;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                throw new LaunchException(USAGE);
            }
            if (option.equals("--in-memory")) {
                inMemory = true;
                continue;
            }
            if (!option.equals("--host") && !option.equals("--port") && !option.equals("--ws-port")
                    && !option.equals("--config") && !option.equals("--data-dir")) {
                throw new LaunchException("unknown option '" + option + "'; " + USAGE);
            }
            if (i + 1 >= args.length) {
                throw new LaunchException(option + " needs a value; " + USAGE);
            }
            String value = args[++i];
            switch (option) {
                case "--host" -> host = value;
                case "--port" -> port = value;
                case "--ws-port" -> wsPort = value;
                case "--data-dir" -> dataDir = value;
                default -> config = value;
            }
        }
        if (inMemory && dataDir != null) {
            throw new LaunchException("--data-dir and --in-memory exclude each other; " + USAGE);
        }
        WebSocketOptions web = new WebSocketOptions();
        if (config != null) {
            ConfigFile.apply(Path.of(config), builder, store, web);
        }
        if (dataDir != null) {
            store.directory = Path.of(dataDir);
            store.inMemory = false;
        }
        if (inMemory) {
            store.inMemory = true;
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
        if (wsPort != null) {
            try {
                web.port = Integer.parseInt(wsPort);
            } catch (NumberFormatException e) {
                throw new LaunchException("--ws-port needs a number, got '" + wsPort + "'");
            }
        }
        // After --host: a WebSocket listener binds where the TCP one does unless ws_host says otherwise.
        web.addListeners(builder, builder.build().host());
        return new Launch(builder.build(), store);
    }
}
