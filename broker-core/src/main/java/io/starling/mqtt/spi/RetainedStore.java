package io.starling.mqtt.spi;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Where retained messages live. Called from any event loop: implementations are thread-safe and never block. */
public interface RetainedStore {
    /** Stores {@code message} as the retained message of its topic, replacing any earlier one. */
    void put(Message message);

    /** Removes the retained message of {@code topic}; true if there was one. */
    boolean remove(TopicName topic);

    /** Calls {@code action} with the retained message of every topic that {@code filter} matches. */
    void forEachMatching(TopicFilter filter, Consumer<Message> action);

    int size();

    /**
     * A walk over the retained messages matching one filter, a bounded step at a time, so that a subscription
     * matching a million retained topics never holds an event loop: the subscriber's session takes the next step
     * only when its client has room (docs/persistence.md, "Retained messages"). Used by one thread at a time, across
     * many tasks. Weakly consistent, like a concurrent map's iterator: a message retained or removed during the walk
     * may or may not be seen.
     */
    interface Scan {
        /**
         * Examines at most {@code budget} retained topics and passes each match to {@code sink}, stopping early
         * (after that match) when the sink returns false. Returns true while matches may remain.
         */
        boolean advance(int budget, Predicate<Message> sink);
    }

    /**
     * A {@link Scan} of {@code filter}'s matches. The default collects them with {@link #forEachMatching} first;
     * stores with many messages override it to walk lazily.
     */
    default Scan scan(TopicFilter filter) {
        List<Message> matches = new ArrayList<>();
        forEachMatching(filter, matches::add);
        return scanOf(matches.iterator(), filter, false);
    }

    /**
     * A scan over {@code candidates}; with {@code test}, the ones {@code filter} does not match are skipped (and
     * count against the budget).
     */
    static Scan scanOf(Iterator<Message> candidates, TopicFilter filter, boolean test) {
        return (budget, sink) -> {
            for (int examined = 0; examined < budget && candidates.hasNext(); examined++) {
                Message m = candidates.next();
                if ((!test || filter.matches(m.topic())) && !sink.test(m)) {
                    break;
                }
            }
            return candidates.hasNext();
        };
    }
}
