package io.starling.mqtt.flow;

/** The transport's load signals, read by the overload controller once per tick from its own thread. */
public interface LoadProbe {
    /** The longest delay, since the last call, between when an event-loop task was due and when it ran. */
    long loopLagNanos();

    /** Bytes of network buffers in use now: writes waiting for slow sockets, mostly. */
    long outboundBytes();

    /** The limit of those buffers (the direct-memory limit); 0 if unknown. */
    long outboundLimit();

    /** The largest fraction of the time since the last call that one event-loop thread spent on the CPU. */
    default double loopBusy() {
        return 0;
    }

    /** No transport (in-process use, tests): no lag, no buffers. */
    LoadProbe NONE = new LoadProbe() {
        @Override
        public long loopLagNanos() {
            return 0;
        }

        @Override
        public long outboundBytes() {
            return 0;
        }

        @Override
        public long outboundLimit() {
            return 0;
        }
    };
}
