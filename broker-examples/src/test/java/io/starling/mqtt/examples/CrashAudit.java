package io.starling.mqtt.examples;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The verdict of {@link CrashRecoveryIT} on one subscriber's whole life: every acknowledged message delivered, QoS 2
 * ones exactly once, nothing unknown, and per publisher and topic the message numbers increasing in arrival order,
 * where a number may come back only as a QoS 1 duplicate of one already delivered.
 */
final class CrashAudit {
    private static final int LISTED = 25;

    /** What was wrong for one subscriber; empty lists when nothing was. */
    record Findings(String subscriber, int subscriptionQos, int delivered, int qos1Duplicates, List<String> missing,
                    List<String> duplicatedQos2, List<String> outOfOrder, List<String> unexpected) {
        boolean clean() {
            return missing.isEmpty() && duplicatedQos2.isEmpty() && outOfOrder.isEmpty() && unexpected.isEmpty();
        }

        String describe() {
            StringBuilder s = new StringBuilder(subscriber + " (QoS " + subscriptionQos + ", " + delivered
                    + " delivered):");
            part(s, "missing (acknowledged to the publisher, never delivered)", missing);
            part(s, "QoS 2 delivered more than once", duplicatedQos2);
            part(s, "out of order", outOfOrder);
            part(s, "unexpected", unexpected);
            return s.toString();
        }

        private static void part(StringBuilder s, String what, List<String> items) {
            if (!items.isEmpty()) {
                s.append("\n  ").append(items.size()).append(' ').append(what).append(": ")
                        .append(items.stream().limit(LISTED).collect(Collectors.joining(", ")))
                        .append(items.size() > LISTED ? ", ... " + (items.size() - LISTED) + " more" : "");
            }
        }
    }

    private CrashAudit() {}

    /**
     * @param sent         every message any publisher sent, by id
     * @param acknowledged the ids whose PUBACK or PUBREC the publisher received
     * @param history      per id, the publisher's side of its story, for the report
     * @param discarded    per id, the subscriber's QoS 2 PUBLISHes of it discarded as re-sends, for the report
     */
    static Findings audit(String subscriber, int subscriptionQos, List<CrashSubscriber.Delivery> deliveries,
                          Map<String, CrashPublisher.Sent> sent, Set<String> acknowledged,
                          Map<String, String> history, Map<String, String> discarded) {
        // Each message's deliveries, for the report of duplicates.
        Map<String, List<CrashSubscriber.Delivery>> byMessage = new HashMap<>();
        List<String> unexpected = new ArrayList<>();
        List<String> outOfOrder = new ArrayList<>();
        // Per publisher and topic: the highest number delivered so far, and all delivered.
        Map<String, Integer> highest = new HashMap<>();
        Set<String> seen = new HashSet<>();
        int qos1Duplicates = 0;
        for (CrashSubscriber.Delivery d : deliveries) {
            CrashPublisher.Sent m = sent.get(d.id());
            if (m == null) {
                unexpected.add(d.id() + " (never published)");
                continue;
            }
            int expectedQos = Math.min(m.qos(), subscriptionQos);
            if (!d.topic().equals(m.topic()) || d.qos() != expectedQos) {
                unexpected.add(d.id() + " (on " + d.topic() + " at QoS " + d.qos() + ", published on " + m.topic()
                        + " at QoS " + m.qos() + ")");
            }
            byMessage.computeIfAbsent(d.id(), k -> new ArrayList<>()).add(d);
            String stream = m.publisher() + " " + m.topic();
            int top = highest.getOrDefault(stream, 0);
            if (m.seq() > top) {
                highest.put(stream, m.seq());
            } else if (!seen.contains(d.id())) {
                outOfOrder.add(d.id() + " after " + CrashPublisher.idOf(m.publisher(), top) + " on " + m.topic()
                        + " (" + d + ")");
            } else if (d.qos() == 1) {
                qos1Duplicates++;
            }
            seen.add(d.id());
        }
        List<String> missing = acknowledged.stream().filter(id -> !byMessage.containsKey(id))
                .sorted(CrashAudit::byId)
                .map(id -> id + " (QoS " + sent.get(id).qos() + "; publisher: " + history.getOrDefault(id, "?")
                        + (discarded.containsKey(id) ? "; discarded: " + discarded.get(id) : "") + ")")
                .toList();
        List<String> duplicatedQos2 = byMessage.entrySet().stream()
                .filter(e -> e.getValue().size() > 1 && subscriptionQos == 2 && sent.get(e.getKey()).qos() == 2)
                .sorted((x, y) -> byId(x.getKey(), y.getKey()))
                .map(e -> e.getKey() + " x" + e.getValue().size() + " " + e.getValue() + " (publisher: "
                        + history.getOrDefault(e.getKey(), "?") + ")").toList();
        return new Findings(subscriber, subscriptionQos, deliveries.size(), qos1Duplicates, missing, duplicatedQos2,
                outOfOrder, unexpected);
    }

    /** {@code p0-9} before {@code p0-10}: by publisher, then number. */
    static int byId(String a, String b) {
        String[] x = a.substring(1).split("-");
        String[] y = b.substring(1).split("-");
        int c = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
        return c != 0 ? c : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
    }

    /** Every message sent, by id, from all publishers. */
    static Map<String, CrashPublisher.Sent> byId(List<CrashPublisher.Sent> sent) {
        Map<String, CrashPublisher.Sent> all = new LinkedHashMap<>();
        sent.forEach(m -> all.put(m.id(), m));
        return all;
    }
}
