package io.starling.mqtt.benchmarks.core;

import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.Publish;
import io.starling.mqtt.spi.ClientChannel;
import java.util.concurrent.Executor;

/** A client channel that counts what it is given and runs tasks inline: measures core alone. */
final class NullChannel implements ClientChannel {
    static final Executor INLINE = Runnable::run;

    long written;
    int lastPacketId;

    @Override
    public void write(MqttPacket packet) {
        written++;
        if (packet instanceof Publish publish) {
            lastPacketId = publish.packetId();
        }
    }

    @Override
    public boolean isWritable() {
        return true;
    }

    @Override
    public void close() {
    }

    @Override
    public Executor executor() {
        return INLINE;
    }

    @Override
    public String remoteAddress() {
        return "bench:0";
    }

    @Override
    public void pauseReading() {
    }

    @Override
    public void resumeReading() {
    }

    @Override
    public void keepAlive(int seconds) {
    }
}
