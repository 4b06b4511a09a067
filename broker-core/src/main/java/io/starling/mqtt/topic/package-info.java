/**
 * Topic names, topic filters and the subscription index (section 4.7). Values are validated once when created and
 * immutable afterwards; the trie matches without locks from any thread and serialises its writers.
 */
package io.starling.mqtt.topic;
