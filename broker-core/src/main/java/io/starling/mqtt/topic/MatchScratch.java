package io.starling.mqtt.topic;

import java.util.Arrays;
import java.util.HashMap;

/**
 * One thread's scratch space for {@link TopicTrie#match}: the stack of its walk, and the levels of the topic names it
 * matched lately. Publishers mostly repeat their topics, so matching a name seen before allocates nothing; splitting
 * it and a fresh stack were a fifth of what the broker allocated per PUBLISH (JFR, p2p-qos1). A peer that never
 * repeats a name only misses: the cache is bounded in entries and in name length, and emptied when full.
 */
final class MatchScratch {
    static final int CACHED_NAMES = 1024;
    static final int CACHED_NAME_LENGTH = 256;
    /** A stack grown past this by a deep name is not kept: a 65536-level name would pin 1 MiB per thread. */
    static final int KEPT_STACK = 1024;
    private static final int STACK_INITIAL = 8;
    private static final ThreadLocal<MatchScratch> CURRENT = ThreadLocal.withInitial(MatchScratch::new);

    private final HashMap<String, String[]> levels = new HashMap<>();
    Object[] nodes = new Object[STACK_INITIAL];
    int[] depths = new int[STACK_INITIAL];
    private int used;
    private boolean inUse;

    /** This thread's scratch; a fresh one when a visitor of a match not yet finished on this thread matches again. */
    static MatchScratch acquire() {
        MatchScratch s = CURRENT.get();
        if (s.inUse) {
            return new MatchScratch();
        }
        s.inUse = true;
        return s;
    }

    /** The levels of {@code name}, shared: callers must not change the array. */
    String[] levels(String name) {
        if (name.length() > CACHED_NAME_LENGTH) {
            return Levels.splitToArray(name);
        }
        String[] split = levels.get(name);
        if (split == null) {
            if (levels.size() >= CACHED_NAMES) {
                levels.clear();
            }
            split = Levels.splitToArray(name);
            levels.put(name, split);
        }
        return split;
    }

    /** Makes room for two more entries above {@code top}. */
    void ensure(int top) {
        if (top + 2 > nodes.length) {
            nodes = Arrays.copyOf(nodes, nodes.length * 2);
            depths = Arrays.copyOf(depths, depths.length * 2);
        }
        used = Math.max(used, top + 2);
    }

    /** The match is done: no node stays referenced from here, and the scratch is free for the next one. */
    void release() {
        if (nodes.length > KEPT_STACK) {
            nodes = new Object[STACK_INITIAL];
            depths = new int[STACK_INITIAL];
        } else {
            Arrays.fill(nodes, 0, Math.min(used, nodes.length), null);
        }
        used = 0;
        inUse = false;
    }

    int cachedNames() {
        return levels.size();
    }
}
