package io.starling.mqtt.topic;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The subscription index: a trie over filter levels mapping each (filter, subscriber key) to a value.
 *
 * <p>Threading: {@link #match} takes no lock and may run on any thread at any time; its cost grows with the
 * depth of the topic, not with the number of subscriptions. Writers ({@link #put}, {@link #remove}) serialise on
 * one monitor, because subscribe and unsubscribe are rare next to publishes and pruning needs a stable path.
 * A reader that races a writer sees the subscription either before or after the change, never a torn node.
 *
 * <p>Pure: no sessions, no I/O, no authorization. Keys are compared with {@code equals}.
 */
public final class TopicTrie<K, V> {
    private final Node<K, V> root = new Node<>();
    private final Object writeLock = new Object();
    private int size;

    /** Adds or replaces the value for {@code key} under {@code filter}; returns the previous value or null. */
    public V put(TopicFilter filter, K key, V value) {
        // Checked before any node is created: a null rejected by the map afterwards would leave unpruned nodes.
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        synchronized (writeLock) {
            Node<K, V> node = root;
            for (String level : filter.levels()) {
                node = node.childOrCreate(level);
            }
            V previous = node.putSubscriber(key, value);
            if (previous == null) {
                size++;
            }
            return previous;
        }
    }

    /** Removes {@code key} from {@code filter} and prunes nodes left empty; returns the removed value or null. */
    public V remove(TopicFilter filter, K key) {
        synchronized (writeLock) {
            List<String> levels = filter.levels();
            List<Node<K, V>> path = new ArrayList<>(levels.size() + 1);
            Node<K, V> node = root;
            path.add(node);
            for (String level : levels) {
                node = node.child(level);
                if (node == null) {
                    return null;
                }
                path.add(node);
            }
            V removed = node.removeSubscriber(key);
            if (removed == null) {
                return null;
            }
            size--;
            for (int i = path.size() - 1; i > 0; i--) {
                Node<K, V> current = path.get(i);
                if (!current.isEmpty()) {
                    break;
                }
                path.get(i - 1).removeChild(levels.get(i - 1));
            }
            return removed;
        }
    }

    /**
     * Calls {@code visitor} once for every (key, value) whose filter matches {@code topic}. A key subscribed
     * through several matching filters is visited once per filter; the caller merges them.
     */
    public void match(TopicName topic, BiConsumer<? super K, ? super V> visitor) {
        MatchScratch scratch = MatchScratch.acquire();
        try {
            match(topic, visitor, scratch);
        } finally {
            scratch.release();
        }
    }

    @SuppressWarnings("unchecked")
    private void match(TopicName topic, BiConsumer<? super K, ? super V> visitor, MatchScratch scratch) {
        String[] levels = scratch.levels(topic.value());
        boolean system = topic.isSystemTopic();
        // Depth-first walk with an explicit stack, not recursion: a legal name has up to 65536 levels
        // [MQTT-4.7.3-3], deep enough to overflow the thread stack. Each step pushes at most two nodes
        // (the exact child and the '+' child), so the stack holds at most levels.length + 1 entries.
        scratch.ensure(0);
        scratch.nodes[0] = root;
        scratch.depths[0] = 0;
        int top = 1;
        while (top > 0) {
            top--;
            Node<K, V> node = (Node<K, V>) scratch.nodes[top];
            int depth = scratch.depths[top];
            // [MQTT-4.7.2-1]: at the first level, wildcards do not match names that start with '$'.
            boolean wildcardsAllowed = !(system && depth == 0);
            if (wildcardsAllowed) {
                Node<K, V> hash = node.hash;
                if (hash != null) {
                    hash.visitSubscribers(visitor);
                }
            }
            if (depth == levels.length) {
                node.visitSubscribers(visitor);
                continue;
            }
            Node<K, V> exact = node.exactChild(levels[depth]);
            Node<K, V> plus = wildcardsAllowed ? node.plus : null;
            scratch.ensure(top);
            if (plus != null) {
                scratch.nodes[top] = plus;
                scratch.depths[top++] = depth + 1;
            }
            if (exact != null) {
                scratch.nodes[top] = exact;
                scratch.depths[top++] = depth + 1;
            }
        }
    }

    /** Number of (filter, key) entries. */
    public int size() {
        synchronized (writeLock) {
            return size;
        }
    }

    /** Number of trie nodes below the root; tests use it to show that removal prunes. */
    public int nodeCount() {
        synchronized (writeLock) {
            return root.countDescendants();
        }
    }

    private static final class Node<K, V> {
        private static final int FEW = 16;

        // Created lazily: most nodes of a large trie are leaves or pure interior nodes.
        private volatile ConcurrentHashMap<String, Node<K, V>> children;
        // Up to FEW subscribers live in a copy-on-write array of key/value pairs: matching walks it without the
        // iterator a map would allocate, and most filters have one subscriber. More move to a concurrent map once.
        private volatile Object[] few;
        private volatile ConcurrentHashMap<K, V> subscribers;
        // The wildcard children have fields of their own: matching asks every visited node for both, and a field
        // read is much cheaper than two more hash look-ups per level.
        private volatile Node<K, V> plus;
        private volatile Node<K, V> hash;

        /** The child for a level of a topic name, which never is a wildcard [MQTT-4.7.1-1]. */
        Node<K, V> exactChild(String level) {
            ConcurrentHashMap<String, Node<K, V>> map = children;
            return map == null ? null : map.get(level);
        }

        Node<K, V> child(String level) {
            if (level.equals(TopicFilter.SINGLE_LEVEL_WILDCARD)) {
                return plus;
            }
            if (level.equals(TopicFilter.MULTI_LEVEL_WILDCARD)) {
                return hash;
            }
            ConcurrentHashMap<String, Node<K, V>> map = children;
            return map == null ? null : map.get(level);
        }

        Node<K, V> childOrCreate(String level) {
            if (level.equals(TopicFilter.SINGLE_LEVEL_WILDCARD)) {
                Node<K, V> node = plus;
                if (node == null) {
                    node = new Node<>();
                    plus = node;
                }
                return node;
            }
            if (level.equals(TopicFilter.MULTI_LEVEL_WILDCARD)) {
                Node<K, V> node = hash;
                if (node == null) {
                    node = new Node<>();
                    hash = node;
                }
                return node;
            }
            ConcurrentHashMap<String, Node<K, V>> map = children;
            if (map == null) {
                map = new ConcurrentHashMap<>(2);
                children = map;
            }
            return map.computeIfAbsent(level, l -> new Node<>());
        }

        void removeChild(String level) {
            if (level.equals(TopicFilter.SINGLE_LEVEL_WILDCARD)) {
                plus = null;
            } else if (level.equals(TopicFilter.MULTI_LEVEL_WILDCARD)) {
                hash = null;
            } else {
                ConcurrentHashMap<String, Node<K, V>> map = children;
                if (map != null) {
                    map.remove(level);
                }
            }
        }

        /** Called under the trie's write lock. */
        @SuppressWarnings("unchecked")
        V putSubscriber(K key, V value) {
            ConcurrentHashMap<K, V> map = subscribers;
            if (map != null) {
                return map.put(key, value);
            }
            Object[] pairs = few;
            if (pairs == null) {
                few = new Object[] {key, value};
                return null;
            }
            for (int i = 0; i < pairs.length; i += 2) {
                if (pairs[i].equals(key)) {
                    Object[] copy = pairs.clone();
                    copy[i + 1] = value;
                    few = copy;
                    return (V) pairs[i + 1];
                }
            }
            if (pairs.length / 2 < FEW) {
                Object[] copy = Arrays.copyOf(pairs, pairs.length + 2);
                copy[pairs.length] = key;
                copy[pairs.length + 1] = value;
                few = copy;
                return null;
            }
            map = new ConcurrentHashMap<>(FEW * 4);
            for (int i = 0; i < pairs.length; i += 2) {
                map.put((K) pairs[i], (V) pairs[i + 1]);
            }
            map.put(key, value);
            // The map is visible before the array goes: a reader always finds one of the two.
            subscribers = map;
            few = null;
            return null;
        }

        /** Called under the trie's write lock. */
        @SuppressWarnings("unchecked")
        V removeSubscriber(K key) {
            ConcurrentHashMap<K, V> map = subscribers;
            if (map != null) {
                return map.remove(key);
            }
            Object[] pairs = few;
            if (pairs == null) {
                return null;
            }
            for (int i = 0; i < pairs.length; i += 2) {
                if (pairs[i].equals(key)) {
                    if (pairs.length == 2) {
                        few = null;
                    } else {
                        Object[] copy = new Object[pairs.length - 2];
                        System.arraycopy(pairs, 0, copy, 0, i);
                        System.arraycopy(pairs, i + 2, copy, i, pairs.length - i - 2);
                        few = copy;
                    }
                    return (V) pairs[i + 1];
                }
            }
            return null;
        }

        @SuppressWarnings("unchecked")
        void visitSubscribers(BiConsumer<? super K, ? super V> visitor) {
            Object[] pairs = few;
            if (pairs != null) {
                for (int i = 0; i < pairs.length; i += 2) {
                    visitor.accept((K) pairs[i], (V) pairs[i + 1]);
                }
                return;
            }
            ConcurrentHashMap<K, V> map = subscribers;
            if (map != null && !map.isEmpty()) {
                map.forEach(visitor);
            }
        }

        boolean isEmpty() {
            ConcurrentHashMap<K, V> subs = subscribers;
            ConcurrentHashMap<String, Node<K, V>> kids = children;
            return few == null && (subs == null || subs.isEmpty()) && (kids == null || kids.isEmpty())
                    && plus == null && hash == null;
        }

        int countDescendants() {
            // Iterative: a trie may be 65536 levels deep.
            int count = 0;
            ArrayDeque<Node<K, V>> pending = new ArrayDeque<>();
            pending.push(this);
            while (!pending.isEmpty()) {
                Node<K, V> node = pending.pop();
                ConcurrentHashMap<String, Node<K, V>> map = node.children;
                if (map != null) {
                    for (Node<K, V> child : map.values()) {
                        count++;
                        pending.push(child);
                    }
                }
                for (Node<K, V> wildcard : Arrays.asList(node.plus, node.hash)) {
                    if (wildcard != null) {
                        count++;
                        pending.push(wildcard);
                    }
                }
            }
            return count;
        }
    }
}
