package io.starling.mqtt.benchmarks;

import io.starling.mqtt.netty.StarlingBroker;
import java.util.Arrays;
import java.util.Locale;

/**
 * Start+stop timing of the embedded Starling broker (port 0, loopback): {@code StartStop ROUNDS WARMUP}. Prints one
 * line: first start ms, first stop ms, median and p90 of warm start+stop ms. The peers have twins in
 * broker-benchmarks/peers; broker-benchmarks/startstop.sh runs all three the same way.
 */
public final class StartStop {
    private StartStop() {}

    public static void main(String[] args) {
        int rounds = Integer.parseInt(args[0]);
        int warmup = Integer.parseInt(args[1]);
        double[] warm = new double[rounds - warmup];
        double firstStart = 0;
        double firstStop = 0;
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            StarlingBroker broker = StarlingBroker.builder().port(0).start();
            long t1 = System.nanoTime();
            broker.close();
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
        System.out.printf(Locale.ROOT, "%.1f %.1f %.2f %.2f%n", firstStart, firstStop, warm[warm.length / 2],
                warm[(int) (warm.length * 0.9)]);
    }
}
