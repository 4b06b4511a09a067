package io.starling.mqtt.benchmarks.runner;

import io.starling.mqtt.benchmarks.load.HeapSample;
import io.starling.mqtt.benchmarks.load.LatencySummary;
import io.starling.mqtt.benchmarks.load.OverloadResult;
import io.starling.mqtt.benchmarks.load.SlowConsumerResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The overload and slow-consumer results as CSV in the run's work directory: one row per broker
 * ({@code overload.csv}, {@code slow-consumer.csv}), the time series ({@code *-series.csv}) and the GC pauses of the
 * JVM brokers ({@code *-heap.csv}), for plotting elsewhere.
 */
final class OverloadCsv {
    private OverloadCsv() {}

    static void write(Path work, List<OverloadResult> overloads, List<SlowConsumerResult> slows) throws IOException {
        Files.createDirectories(work);
        if (!overloads.isEmpty()) {
            writeOverload(work, overloads);
        }
        if (!slows.isEmpty()) {
            writeSlow(work, slows);
        }
    }

    private static void writeOverload(Path work, List<OverloadResult> results) throws IOException {
        List<String> rows = new ArrayList<>();
        rows.add("target,error,light,heavy,calibrated_delivered_per_s,calibrated_acked_per_s,sustained_per_s,"
                + "t_calibration,t_a,t_b,t_c,t_end,light_a_p50_ns,light_a_p99_ns,light_a_max_ns,light_b_p50_ns,"
                + "light_b_p99_ns,light_b_max_ns,light_c_p50_ns,light_c_p99_ns,light_c_max_ns,light_p99_ratio,"
                + "heavy_b_p50_ns,heavy_b_p99_ns,heavy_c_p50_ns,heavy_c_p99_ns,b_offered_per_s,b_sent_per_s,"
                + "b_accepted_per_s,b_delivered_per_s,c_offered_per_s,c_sent_per_s,c_accepted_per_s,c_delivered_per_s,"
                + "throttled,recovered,recovery_share,recovery_s,heavy_acked,heavy_acked_lost,heavy_lost_calibration,"
                + "heavy_lost_b,heavy_lost_c,heavy_unacked,heavy_missing,light_acked,"
                + "light_acked_lost,light_unacked,heavy_duplicates,light_duplicates,heavy_publishers_closed,"
                + "heavy_subscribers_closed,light_closed,peak_rss_bytes,max_heap_after_gc_bytes,"
                + "light_b_settled_p50_ns,light_b_settled_p99_ns,light_b_settled_max_ns,light_settled_p99_ratio");
        List<String> series = new ArrayList<>();
        series.add("target,seconds,offered,sent,accepted,delivered,light_delivered,rss_bytes,light_p99_ns");
        List<String> heap = new ArrayList<>();
        heap.add("target,seconds,before_bytes,after_bytes,full");
        for (OverloadResult r : results) {
            double[] m = r.marks();
            rows.add(String.join(",", r.target(), quote(r.error()), Integer.toString(r.light()),
                    Integer.toString(r.heavy()), num(r.calibratedRate()), num(r.calibratedAccepted()),
                    num(r.sustainedRate()), num(m[0]), num(m[1]), num(m[2]), num(m[3]), num(m[4]),
                    lat(r.lightA()), lat(r.lightB()), lat(r.lightC()), num(r.lightP99Ratio()),
                    Long.toString(r.heavyB().p50()), Long.toString(r.heavyB().p99()), Long.toString(r.heavyC().p50()),
                    Long.toString(r.heavyC().p99()), window(r.flood()), window(r.recovery()),
                    Boolean.toString(r.throttled()), Boolean.toString(r.recovered()), num(r.recoveryShare()),
                    num(r.recoverySeconds()), Long.toString(r.losses().heavyAcked()),
                    Long.toString(r.losses().heavyAckedLost()), Long.toString(r.losses().heavyLostByPhase()[0]),
                    Long.toString(r.losses().heavyLostByPhase()[1]), Long.toString(r.losses().heavyLostByPhase()[2]),
                    Long.toString(r.losses().heavyUnacked()), Long.toString(r.losses().heavyMissing()),
                    Long.toString(r.losses().lightAcked()), Long.toString(r.losses().lightAckedLost()),
                    Long.toString(r.losses().lightUnacked()), Long.toString(r.losses().heavyDuplicates()),
                    Long.toString(r.losses().lightDuplicates()), Integer.toString(r.losses().heavyPublishersClosed()),
                    Integer.toString(r.losses().heavySubscribersClosed()), Integer.toString(r.losses().lightClosed()),
                    Long.toString(r.peakRssBytes()), Long.toString(r.maxHeapAfterGc()), lat(r.lightBSettled()),
                    num(r.lightSettledP99Ratio())));
            for (OverloadResult.Sample s : r.samples()) {
                series.add(String.join(",", r.target(), num(s.seconds()), Long.toString(s.offered()),
                        Long.toString(s.sent()), Long.toString(s.accepted()), Long.toString(s.delivered()),
                        Long.toString(s.lightDelivered()), Long.toString(s.rssBytes()),
                        Long.toString(s.lightP99Nanos())));
            }
            heapRows(heap, r.target(), r.heap());
        }
        Files.write(work.resolve("overload.csv"), rows, StandardCharsets.UTF_8);
        Files.write(work.resolve("overload-series.csv"), series, StandardCharsets.UTF_8);
        Files.write(work.resolve("overload-heap.csv"), heap, StandardCharsets.UTF_8);
    }

    private static void writeSlow(Path work, List<SlowConsumerResult> results) throws IOException {
        List<String> rows = new ArrayList<>();
        rows.add("target,error,subscribers,t_before,t_stall,t_resume,t_end,before_healthy_per_s,"
                + "before_healthy_qos0_per_s,before_healthy_qos1_per_s,stall_healthy_per_s,stall_healthy_qos0_per_s,"
                + "stall_healthy_qos1_per_s,throughput_ratio,healthy_qos1_acked,healthy_qos1_lost,healthy_qos1_lost_before,"
                + "healthy_qos0_written,healthy_qos0_missing,healthy_duplicates,healthy_closed,publishers_closed,"
                + "s1_closed_after_s,s1_during_stall,s1_qos0_received,s1_qos0_written,s1_qos1_received,s1_qos1_acked,"
                + "s1_qos1_lost,s1_after_resume,rss_growth_bytes,heap_growth_bytes,peak_rss_bytes");
        List<String> series = new ArrayList<>();
        series.add("target,seconds,healthy_received,s1_received,written,acked,rss_bytes");
        List<String> heap = new ArrayList<>();
        heap.add("target,seconds,before_bytes,after_bytes,full");
        for (SlowConsumerResult r : results) {
            double[] m = r.marks();
            SlowConsumerResult.SlowSubscriber s1 = r.s1();
            rows.add(String.join(",", r.target(), quote(r.error()), Integer.toString(r.subscribers()), num(m[0]),
                    num(m[1]), num(m[2]), num(m[3]), num(r.before().healthyPerSecond()),
                    num(r.before().healthyQos0PerSecond()), num(r.before().healthyQos1PerSecond()),
                    num(r.stall().healthyPerSecond()), num(r.stall().healthyQos0PerSecond()),
                    num(r.stall().healthyQos1PerSecond()), num(r.throughputRatio()),
                    Long.toString(r.healthyQos1Acked()), Long.toString(r.healthyQos1Lost()),
                    Long.toString(r.healthyQos1LostBefore()),
                    Long.toString(r.healthyQos0Written()), Long.toString(r.healthyQos0Missing()),
                    Long.toString(r.healthyDuplicates()), Integer.toString(r.healthyClosed()),
                    Integer.toString(r.publishersClosed()), num(s1.closedAfter()), Long.toString(s1.duringStall()),
                    Long.toString(s1.qos0Received()), Long.toString(s1.qos0Written()), Long.toString(s1.qos1Received()),
                    Long.toString(s1.qos1Acked()), Long.toString(s1.qos1Lost()), Long.toString(s1.afterResume()),
                    Long.toString(r.rssGrowth()), Long.toString(r.heapGrowth()), Long.toString(r.peakRssBytes())));
            for (SlowConsumerResult.Sample s : r.samples()) {
                series.add(String.join(",", r.target(), num(s.seconds()), Long.toString(s.healthyReceived()),
                        Long.toString(s.s1Received()), Long.toString(s.written()), Long.toString(s.acked()),
                        Long.toString(s.rssBytes())));
            }
            heapRows(heap, r.target(), r.heap());
        }
        Files.write(work.resolve("slow-consumer.csv"), rows, StandardCharsets.UTF_8);
        Files.write(work.resolve("slow-consumer-series.csv"), series, StandardCharsets.UTF_8);
        Files.write(work.resolve("slow-consumer-heap.csv"), heap, StandardCharsets.UTF_8);
    }

    private static void heapRows(List<String> into, String target, List<HeapSample> heap) {
        for (HeapSample h : heap) {
            into.add(String.join(",", target, num(h.seconds()), Long.toString(h.beforeBytes()),
                    Long.toString(h.afterBytes()), Boolean.toString(h.full())));
        }
    }

    private static String lat(LatencySummary l) {
        return l.p50() + "," + l.p99() + "," + l.max();
    }

    private static String window(OverloadResult.Window w) {
        return String.join(",", num(w.offeredPerSecond()), num(w.seconds() > 0 ? w.sent() / w.seconds() : Double.NaN),
                num(w.acceptedPerSecond()), num(w.deliveredPerSecond()));
    }

    private static String quote(String s) {
        return s == null ? "" : '"' + s.replace('"', '\'') + '"';
    }

    private static String num(double d) {
        return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.3f", d);
    }
}
