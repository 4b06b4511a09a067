import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * Starts Moquette for the load runner: {@code MoquetteMain PORT WORKDIR [SESSION_QUEUE]}. Loopback listener,
 * persistence off (in-memory sessions and queues), anonymous clients, epoll, telemetry off, logging at WARN through
 * a log4j.properties written into WORKDIR before the first logger exists; up to SESSION_QUEUE (default 10000)
 * commands may wait per session event loop. Moquette 0.17 has no inflight or per-client queue settings: its
 * outbound inflight window is the constant 10 (BrokerConstants.INFLIGHT_WINDOW_SIZE) and in-memory queues are
 * unbounded. Compiled by broker-benchmarks/run.sh against the class path of peers/moquette/pom.xml; not part of
 * the reactor.
 */
public final class MoquetteMain {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path work = Files.createDirectories(Path.of(args[1]));
        Path log4j = work.resolve("log4j.properties");
        Files.writeString(log4j, """
                log4j.rootLogger=WARN, stdout
                log4j.appender.stdout=org.apache.log4j.ConsoleAppender
                log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
                log4j.appender.stdout.layout.ConversionPattern=%d %-5p [%t] %c{1} - %m%n
                """);
        System.setProperty("log4j.configuration", log4j.toUri().toString());
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", Integer.toString(port));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("allow_anonymous", "true");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("data_path", work.resolve("data").toString());
        p.setProperty("netty.epoll", "true");
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("use_metrics", "false");
        p.setProperty("use_bugsnag", "false");
        // the queue of commands (publishes, acks, connects) of each of its session event loops; default 1024, and
        // when full, Moquette drops the command
        p.setProperty("session_queue_size", args.length > 2 ? args[2] : "10000");
        Server server = new Server();
        server.startServer(new MemoryConfig(p));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stopServer();
            stopped.countDown();
        }, "moquette-stop"));
        System.out.println("Moquette listening on 127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }
}
