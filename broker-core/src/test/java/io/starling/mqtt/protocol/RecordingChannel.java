package io.starling.mqtt.protocol;

import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.spi.ClientChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/** A ClientChannel that records what core writes; its executor is supplied by the test. */
class RecordingChannel implements ClientChannel {
    final List<MqttPacket> written = new CopyOnWriteArrayList<>();
    final Executor executor;
    volatile boolean closed;
    volatile boolean paused;
    volatile int keepAlive = -1;
    volatile boolean writable = true;
    private final String address;
    volatile String listenerName = io.starling.mqtt.api.BrokerConfig.DEFAULT_LISTENER;
    volatile List<java.security.cert.X509Certificate> certificates = List.of();

    RecordingChannel(Executor executor, String address) {
        this.executor = executor;
        this.address = address;
    }

    @Override
    public void write(MqttPacket packet) {
        if (!closed) {
            written.add(packet);
        }
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public Executor executor() {
        return executor;
    }

    @Override
    public String remoteAddress() {
        return address;
    }

    @Override
    public void pauseReading() {
        paused = true;
    }

    @Override
    public void resumeReading() {
        paused = false;
    }

    @Override
    public void keepAlive(int seconds) {
        keepAlive = seconds;
    }

    @Override
    public String listenerName() {
        return listenerName;
    }

    @Override
    public List<java.security.cert.X509Certificate> peerCertificates() {
        return certificates;
    }

    <T extends MqttPacket> List<T> written(Class<T> type) {
        return written.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
