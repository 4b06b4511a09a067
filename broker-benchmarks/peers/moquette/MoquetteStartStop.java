import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.Properties;

/**
 * Start+stop timing of Moquette, measured as StartStop measures Starling: {@code MoquetteStartStop ROUNDS WARMUP}.
 * Prints one line: first start ms, first stop ms, median and p90 of warm start+stop ms.
 */
public final class MoquetteStartStop {
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        int warmup = Integer.parseInt(args[1]);
        org.apache.log4j.Logger.getRootLogger().setLevel(org.apache.log4j.Level.WARN);
        double[] warm = new double[rounds - warmup];
        double firstStart = 0;
        double firstStop = 0;
        for (int i = 0; i < rounds; i++) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Properties p = new Properties();
            p.setProperty("port", Integer.toString(port));
            p.setProperty("host", "127.0.0.1");
            p.setProperty("persistence_enabled", "false");
            p.setProperty("allow_anonymous", "true");
            p.setProperty("telemetry_enabled", "false");
            long t0 = System.nanoTime();
            Server server = new Server();
            server.startServer(new MemoryConfig(p));
            long t1 = System.nanoTime();
            server.stopServer();
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
