import com.hivemq.embedded.EmbeddedHiveMQ;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Start+stop timing of HiveMQ CE embedded, measured as StartStop measures Starling: {@code HiveMqStartStop ROUNDS
 * WARMUP}. Prints one line: first start ms, first stop ms, median and p90 of warm start+stop ms. Run by
 * broker-benchmarks/startstop.sh with the class path of peers/hivemq/pom.xml.
 */
public final class HiveMqStartStop {
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        int warmup = Integer.parseInt(args[1]);
        Path work = Files.createTempDirectory("hivemq-startstop");
        Path conf = Files.createDirectories(work.resolve("conf"));
        Files.writeString(conf.resolve("logback.xml"), """
                <configuration scan="false">
                    <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d %level %logger{20} - %msg%n%ex</pattern></encoder>
                    </appender>
                    <root level="WARN"><appender-ref ref="CONSOLE"/></root>
                </configuration>
                """);
        double[] warm = new double[rounds - warmup];
        double firstStart = 0;
        double firstStop = 0;
        for (int i = 0; i < rounds; i++) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Files.writeString(conf.resolve("config.xml"), """
                    <?xml version="1.0"?>
                    <hivemq>
                        <listeners><tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener></listeners>
                        <persistence><mode>in-memory</mode></persistence>
                        <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                    </hivemq>
                    """.formatted(port));
            Path data = Files.createDirectories(work.resolve("data-" + i));
            Path extensions = Files.createDirectories(work.resolve("extensions"));
            long t0 = System.nanoTime();
            EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder().withConfigurationFolder(conf).withDataFolder(data)
                    .withExtensionsFolder(extensions).build();
            hivemq.start().get(120, TimeUnit.SECONDS);
            long t1 = System.nanoTime();
            hivemq.stop().get(60, TimeUnit.SECONDS);
            hivemq.close();
            long t2 = System.nanoTime();
            if (i == 0) {
                firstStart = (t1 - t0) / 1e6;
                firstStop = (t2 - t1) / 1e6;
            }
            if (i >= warmup) {
                warm[i - warmup] = (t2 - t0) / 1e6;
            }
        }
        Arrays.sort(warm);
        System.out.printf(java.util.Locale.ROOT, "%.1f %.1f %.2f %.2f%n", firstStart, firstStop,
                warm[warm.length / 2], warm[(int) (warm.length * 0.9)]);
        System.exit(0);
    }
}
