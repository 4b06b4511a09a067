import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedHiveMQ;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Starts HiveMQ CE embedded for the load runner: {@code HiveMqMain PORT WORKDIR INFLIGHT QUEUE [in-memory|file]}.
 * Loopback TCP listener, in-memory persistence (or file persistence in WORKDIR/data), no usage statistics, a
 * bounded queue per client (discard new messages when full, HiveMQ's default strategy), the outbound inflight window
 * set to INFLIGHT, logging at WARN. Compiled by broker-benchmarks/run.sh against the class path of
 * peers/hivemq/pom.xml; not part of the reactor.
 */
public final class HiveMqMain {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path work = Path.of(args[1]);
        int inflight = Integer.parseInt(args[2]);
        long queue = Long.parseLong(args[3]);
        String persistence = args.length > 4 ? args[4] : "in-memory";
        Path conf = Files.createDirectories(work.resolve("conf"));
        Path data = Files.createDirectories(work.resolve("data"));
        Path extensions = Files.createDirectories(work.resolve("extensions"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>127.0.0.1</bind-address>
                        </tcp-listener>
                    </listeners>
                    <mqtt>
                        <queued-messages>
                            <max-queue-size>%d</max-queue-size>
                            <strategy>discard</strategy>
                        </queued-messages>
                    </mqtt>
                    <persistence>
                        <mode>%s</mode>
                    </persistence>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, queue, persistence));
        Files.writeString(conf.resolve("logback.xml"), """
                <configuration scan="false">
                    <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d %level %logger{20} - %msg%n%ex</pattern></encoder>
                    </appender>
                    <root level="WARN"><appender-ref ref="CONSOLE"/></root>
                </configuration>
                """);
        // Not in config.xml in CE: the per-client window of unacknowledged outgoing QoS 1/2 messages (default 50).
        InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES = inflight;
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(data)
                .withExtensionsFolder(extensions)
                .build();
        hivemq.start().get(120, TimeUnit.SECONDS);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                hivemq.stop().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("hivemq stop: " + e);
            }
            stopped.countDown();
        }, "hivemq-stop"));
        System.out.println("HiveMQ CE listening on 127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }
}
