package io.starling.mqtt.benchmarks.load;

/** Reads the broker process's resource use; the runner implements it from /proc and jcmd. */
public interface BrokerProbe {
    /** For a broker whose process is unknown (in-process, or started by someone else). */
    BrokerProbe NONE = new BrokerProbe() {
        @Override
        public double cpuSeconds() {
            return Double.NaN;
        }

        @Override
        public long rssBytes() {
            return -1;
        }

        @Override
        public long peakRssBytes() {
            return -1;
        }

        @Override
        public long heapAfterGcBytes() {
            return -1;
        }
    };

    /** User plus system CPU time of the broker process so far, NaN if unknown. */
    double cpuSeconds();

    /** Resident set size now, -1 if unknown. */
    long rssBytes();

    /** Peak resident set size (VmHWM), -1 if unknown. */
    long peakRssBytes();

    /** Heap in use right after a full GC (JVM brokers only), -1 otherwise. */
    long heapAfterGcBytes();
}
