package io.starling.mqtt.benchmarks.flood;

import java.util.EnumMap;
import java.util.Map;

/**
 * Which kind the i-th hostile attempt is: the kinds in proportion to their weights, interleaved (smooth weighted
 * round robin) so that any stretch of attempts, and in particular the first ones, already carries the whole mix.
 */
public final class AttackMix {
    private final int[] weights;
    private final AttackKind[] cycle;

    private AttackMix(int[] weights) {
        this.weights = weights;
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        cycle = new AttackKind[total];
        int[] current = new int[weights.length];
        for (int slot = 0; slot < total; slot++) {
            int best = -1;
            for (int k = 0; k < weights.length; k++) {
                current[k] += weights[k];
                if (weights[k] > 0 && (best < 0 || current[k] > current[best])) {
                    best = k;
                }
            }
            current[best] -= total;
            cycle[slot] = AttackKind.values()[best];
        }
    }

    /** {@code idle=1,partial=1,connect=1,bare=1}; a kind left out has weight 0. */
    public static AttackMix parse(String spec) {
        int[] weights = new int[AttackKind.values().length];
        boolean[] seen = new boolean[weights.length];
        for (String part : spec.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("flood.mix: expected kind=weight, got '" + p + "'");
            }
            AttackKind kind = AttackKind.byId(p.substring(0, eq).strip());
            int w;
            try {
                w = Integer.parseInt(p.substring(eq + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("flood.mix: weight of " + kind.id() + " is not a number: " + p);
            }
            if (w < 0 || w > 1000) {
                throw new IllegalArgumentException("flood.mix: weight of " + kind.id() + " must be 0..1000: " + w);
            }
            if (seen[kind.ordinal()]) {
                throw new IllegalArgumentException("flood.mix: " + kind.id() + " given twice");
            }
            seen[kind.ordinal()] = true;
            weights[kind.ordinal()] = w;
        }
        int sum = 0;
        for (int w : weights) {
            sum += w;
        }
        if (sum == 0) {
            throw new IllegalArgumentException("flood.mix: at least one kind needs a positive weight: " + spec);
        }
        return new AttackMix(weights);
    }

    public AttackKind kindOf(int attempt) {
        return cycle[attempt % cycle.length];
    }

    /** How many of the first {@code attempts} attempts are of each kind (every kind present, zeros included). */
    public Map<AttackKind, Integer> planned(int attempts) {
        Map<AttackKind, Integer> counts = new EnumMap<>(AttackKind.class);
        for (AttackKind k : AttackKind.values()) {
            counts.put(k, attempts / cycle.length * weights[k.ordinal()]);
        }
        for (int i = 0; i < attempts % cycle.length; i++) {
            counts.merge(cycle[i], 1, Integer::sum);
        }
        return counts;
    }
}
