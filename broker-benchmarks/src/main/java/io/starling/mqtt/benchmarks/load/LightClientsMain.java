package io.starling.mqtt.benchmarks.load;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The overload scenario's light clients in a JVM of their own, driven by {@link LightClientsProcess}:
 * {@code LightClientsMain HOST PORT MODE [key=value...]}. It connects the light clients, answers {@code @ready}, then
 * one line per command on stdin ({@code start}, {@code reset}, {@code take}, {@code interval}, {@code stop},
 * {@code losses}, {@code exit}) with one line on stdout starting with {@code @}; histograms go as Base64 of
 * HdrHistogram's compressed encoding. Everything else this process prints goes to stderr.
 */
public final class LightClientsMain {
    private LightClientsMain() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 3; i < args.length; i++) {
            Params.parseOverride(args[i], overrides);
        }
        Params params = Params.of(args[2], overrides);
        OverloadScenario.Clients clients = OverloadScenario.Clients.of(params);
        EventLoopGroup group = Transport.group(1, "ol-light");
        List<Channel> channels = Collections.synchronizedList(new ArrayList<>());
        RunContext run = new RunContext(List.of(group), clients.publishers(), params.i("connect.pending"));
        try {
            LoadGenerator connector = new LoadGenerator(args[0], Integer.parseInt(args[1]), params, BrokerProbe.NONE);
            long deadline = System.nanoTime() + (long) (params.d("setup.timeout") * 1e9);
            List<LoadClient> lights = connector.connectAll(LoadGenerator.bootstrap(group), run, clients.light(),
                    channels, null, 1, deadline);
            serve(new LightClients.InProcess(run, group, lights), run, params, out);
        } catch (LoadGenerator.ScenarioFailure e) {
            out.println("@failed " + e.getMessage().replace('\n', ' '));
        } finally {
            LoadGenerator.close(List.of(group), channels, run);
        }
        System.exit(0);
    }

    private static void serve(LightClients lights, RunContext run, Params params, PrintStream out) throws Exception {
        out.println("@ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            switch (line.trim()) {
                case "start" -> {
                    lights.start();
                    out.println("@ok");
                }
                case "reset" -> {
                    lights.resetLatency();
                    out.println("@ok");
                }
                case "take" -> out.println("@" + encode(lights.takeLatency()));
                case "interval" -> {
                    LightClients.Interval i = lights.interval();
                    out.println("@" + i.received() + " " + encode(i.latency()));
                }
                case "stop" -> {
                    lights.stop();
                    out.println("@ok");
                }
                case "losses" -> {
                    LoadGenerator.drain(run, params.d("overload.drain"));
                    LightClients.Losses l = lights.losses();
                    out.println("@" + l.acked() + " " + l.lost() + " " + l.unacked() + " " + l.duplicates() + " "
                            + l.closed());
                }
                case "exit" -> {
                    out.println("@ok");
                    return;
                }
                default -> out.println("@failed unknown command " + line);
            }
        }
    }

    static String encode(Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer, 6);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }

    static Histogram decode(String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)),
                    LoopStats.HIGHEST_LATENCY);
        } catch (java.util.zip.DataFormatException e) {
            throw new IllegalArgumentException("not a compressed histogram", e);
        }
    }
}
