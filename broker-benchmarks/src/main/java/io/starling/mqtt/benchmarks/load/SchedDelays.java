package io.starling.mqtt.benchmarks.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Who kept a thread from its core: reads the output of {@code perf sched timehist} (one line per time a task left a
 * CPU: when, which CPU, the task, how long it had waited, how long it had been runnable before it ran, how long it
 * ran) and, for the wake-ups of the threads of interest (the light clients' and the broker's event loops) that
 * waited longer than a threshold for a core, adds up which tasks ran meanwhile on the same CPU and on the others.
 * The overload scenario's light-client latency on a machine shared with the generator is largely such waits
 * (docs/performance.md, run 9); this tells whose.
 *
 * <p>Record during a benchmark run, then read:
 * <pre>
 * perf sched record -a -o perf.data -- sleep 70 &amp;   # beside broker-benchmarks/run.sh
 * perf sched timehist -i perf.data &gt; timehist.txt
 * java -cp broker-benchmarks/target/benchmarks.jar io.starling.mqtt.benchmarks.load.SchedDelays timehist.txt \
 *     'ol-light|starling-.*-io' [threshold-ms=1] [from-seconds to-seconds]
 * </pre>
 * {@code from} and {@code to} are perf's own timestamps (seconds since boot), as in the first column.
 */
public final class SchedDelays {
    private static final Pattern LINE = Pattern.compile(
            "^\\s*([0-9]+\\.[0-9]+)\\s+\\[(\\d+)]\\s+(.*?)\\s+([0-9.]+)\\s+([0-9.]+)\\s+([0-9.]+)\\s*$");
    private static final Pattern THREAD_OF_PROCESS = Pattern.compile("^(.*)\\[\\d+/(\\d+)]$");
    private static final Pattern SINGLE = Pattern.compile("^(.*)\\[\\d+]$");

    private SchedDelays() {}

    /**
     * One stretch of a task on a CPU, from the moment it became runnable ({@code runnableAt}) through the moment it
     * ran ({@code ranAt}) to the moment it left ({@code leftAt}); seconds.
     */
    record Slice(double leftAt, int cpu, String task, double runnableAt, double ranAt) {
        double delay() {
            return ranAt - runnableAt;
        }
    }

    /** A line of {@code perf sched timehist}, or null for headers and anything else. */
    static Slice parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return null;
        }
        double left = Double.parseDouble(m.group(1));
        double run = Double.parseDouble(m.group(6)) / 1e3;
        double delay = Double.parseDouble(m.group(5)) / 1e3;
        return new Slice(left, Integer.parseInt(m.group(2)), m.group(3).strip(), left - run - delay, left - run);
    }

    /** A task's name without its thread id, keeping the process id: the same thread name in two JVMs differs. */
    static String owner(String task) {
        Matcher m = THREAD_OF_PROCESS.matcher(task);
        if (m.matches()) {
            return m.group(1) + " (pid " + m.group(2) + ")";
        }
        Matcher s = SINGLE.matcher(task);
        return s.matches() ? s.group(1) : task;
    }

    /** What the analysis found: the delays of the threads of interest, and who ran while the long ones waited. */
    record Report(int wakeUps, double[] delaysMs, int overThreshold, Map<String, Double> sameCpuMs,
                  Map<String, Double> otherCpuMs) {
        double percentileMs(double p) {
            if (delaysMs.length == 0) {
                return 0;
            }
            int i = (int) Math.ceil(p / 100 * delaysMs.length) - 1;
            return delaysMs[Math.max(0, Math.min(delaysMs.length - 1, i))];
        }
    }

    static Report analyse(List<Slice> slices, Pattern threads, double thresholdMs, double from, double to) {
        Map<Integer, List<Slice>> byCpu = new HashMap<>();
        for (Slice s : slices) {
            byCpu.computeIfAbsent(s.cpu(), c -> new ArrayList<>()).add(s);
        }
        // perf prints each CPU's switches in time order, so a CPU's slices are sorted by when they left it.
        byCpu.values().forEach(l -> l.sort((a, b) -> Double.compare(a.leftAt(), b.leftAt())));
        List<Double> delays = new ArrayList<>();
        Map<String, Double> same = new HashMap<>();
        Map<String, Double> other = new HashMap<>();
        int over = 0;
        for (Slice s : slices) {
            if (s.leftAt() < from || s.leftAt() > to || !threads.matcher(s.task()).find()) {
                continue;
            }
            delays.add(s.delay() * 1e3);
            if (s.delay() * 1e3 <= thresholdMs) {
                continue;
            }
            over++;
            for (Map.Entry<Integer, List<Slice>> cpu : byCpu.entrySet()) {
                Map<String, Double> into = cpu.getKey() == s.cpu() ? same : other;
                List<Slice> l = cpu.getValue();
                for (int i = firstLeavingAfter(l, s.runnableAt()); i < l.size(); i++) {
                    Slice r = l.get(i);
                    if (r.ranAt() >= s.ranAt()) {
                        break;
                    }
                    double overlap = Math.min(r.leftAt(), s.ranAt()) - Math.max(r.ranAt(), s.runnableAt());
                    if (overlap > 0) {
                        into.merge(owner(r.task()), overlap * 1e3, Double::sum);
                    }
                }
            }
        }
        double[] sorted = delays.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Report(delays.size(), sorted, over, same, other);
    }

    private static int firstLeavingAfter(List<Slice> l, double t) {
        int lo = 0;
        int hi = l.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (l.get(mid).leftAt() <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    static void print(Report r, String threads, double thresholdMs, PrintStream out) {
        out.printf(Locale.ROOT, "%d wake-ups of /%s/: delay p50 %.3f, p99 %.3f, p99.9 %.3f, max %.3f ms; "
                        + "%d waited over %.1f ms%n", r.wakeUps(), threads, r.percentileMs(50), r.percentileMs(99),
                r.percentileMs(99.9), r.percentileMs(100), r.overThreshold(), thresholdMs);
        out.println("while those waited, ms on the same CPU:");
        top(r.sameCpuMs(), out);
        out.println("and on the other CPUs:");
        top(r.otherCpuMs(), out);
    }

    private static void top(Map<String, Double> ms, PrintStream out) {
        ms.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(15)
                .forEach(e -> out.printf(Locale.ROOT, "  %9.1f  %s%n", e.getValue(), e.getKey()));
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length == 4 || args.length > 5) {
            System.err.println("usage: SchedDelays TIMEHIST-FILE THREAD-REGEX [threshold-ms=1] [from-s to-s]");
            System.exit(2);
        }
        double threshold = args.length > 2 ? Double.parseDouble(args[2]) : 1;
        double from = args.length > 3 ? Double.parseDouble(args[3]) : Double.NEGATIVE_INFINITY;
        double to = args.length > 3 ? Double.parseDouble(args[4]) : Double.POSITIVE_INFINITY;
        List<Slice> slices;
        try (Stream<String> lines = Files.lines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            slices = lines.map(SchedDelays::parse).filter(s -> s != null).toList();
        }
        if (slices.isEmpty()) {
            System.err.println(args[0] + ": no `perf sched timehist` lines");
            System.exit(1);
        }
        print(analyse(slices, Pattern.compile(args[1]), threshold, from, to), args[1], threshold, System.out);
    }
}
