package io.starling.mqtt.examples;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A minimal MQTT 3.1.1 client on a plain socket for {@link CrashRecoveryIT}: the test decides every acknowledgement
 * itself, so it knows exactly which PUBACK or PUBREC arrived before the broker died. One reader thread hands each
 * packet to a handler; writes come from any thread. A broker killed under it simply ends the connection: sends then
 * fail quietly and {@link #awaitClosed} returns.
 */
final class CrashClient implements AutoCloseable {
    static final int CONNACK = 2;
    static final int PUBLISH = 3;
    static final int PUBACK = 4;
    static final int PUBREC = 5;
    static final int PUBREL = 6;
    static final int PUBCOMP = 7;
    static final int SUBACK = 9;

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** One packet as read: its type, the flags of its first byte, and its body after the remaining length. */
    record Packet(int type, int flags, byte[] body) {
        int packetId() {
            if (type == PUBLISH) {
                int topicLength = u16(body, 0);
                return qos() == 0 ? 0 : u16(body, 2 + topicLength);
            }
            return u16(body, 0);
        }

        int qos() {
            return (flags >> 1) & 3;
        }

        boolean dup() {
            return (flags & 8) != 0;
        }

        String topic() {
            return new String(body, 2, u16(body, 0), StandardCharsets.UTF_8);
        }

        String payload() {
            int start = 2 + u16(body, 0) + (qos() == 0 ? 0 : 2);
            return new String(body, start, body.length - start, StandardCharsets.UTF_8);
        }

        private static int u16(byte[] b, int at) {
            return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final boolean sessionPresent;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean open = true;

    private CrashClient(Socket socket, InputStream in, boolean sessionPresent) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.sessionPresent = sessionPresent;
    }

    /**
     * Connects (keep alive 0), waits for CONNACK 0 and then hands every later packet, with this connection to answer
     * on, to {@code handler} on a reader thread. Throws {@link IOException} when the broker is unreachable, refuses or
     * ends the connection first.
     */
    static CrashClient connect(int port, String clientId, boolean cleanSession, BiConsumer<CrashClient, Packet> handler)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) CONNECT_TIMEOUT.toMillis());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) CONNECT_TIMEOUT.toMillis());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            writeString(body, "MQTT");
            body.write(4);
            body.write(cleanSession ? 0x02 : 0x00);
            body.write(0);
            body.write(0);
            writeString(body, clientId);
            socket.getOutputStream().write(packet(0x10, body.toByteArray()));
            Packet connAck = read(in);
            if (connAck == null || connAck.type() != CONNACK || connAck.body()[1] != 0) {
                throw new IOException(clientId + ": no CONNACK 0 but " + describe(connAck));
            }
            // Reads block until the broker sends or dies; the test bounds every wait on its own side.
            socket.setSoTimeout(0);
            CrashClient client = new CrashClient(socket, in, (connAck.body()[0] & 1) != 0);
            Thread reader = new Thread(() -> client.readLoop(handler), "crash-reader-" + clientId);
            reader.setDaemon(true);
            reader.start();
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void readLoop(BiConsumer<CrashClient, Packet> handler) {
        try {
            Packet p;
            while ((p = read(in)) != null) {
                handler.accept(this, p);
            }
        } catch (IOException e) {
            // Reset by the killed broker: the connection is over, as after end of stream.
        } finally {
            open = false;
            closeQuietly();
            closed.countDown();
        }
    }

    boolean sessionPresent() {
        return sessionPresent;
    }

    boolean isOpen() {
        return open;
    }

    /** Writes one packet; false when the connection is gone (the broker died), which the caller treats as the end. */
    synchronized boolean send(byte[] packet) {
        if (!open) {
            return false;
        }
        try {
            out.write(packet);
            out.flush();
            return true;
        } catch (IOException e) {
            open = false;
            closeQuietly();
            return false;
        }
    }

    /** True once the reader has seen the connection end, within {@code timeout}. */
    boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** DISCONNECT, then close: the session stays on the broker without a will. */
    void disconnect() {
        send(new byte[] {(byte) 0xE0, 0});
        close();
    }

    @Override
    public void close() {
        open = false;
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    // ---- encoding ----

    static byte[] subscribe(int packetId, String filter, int qos) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeShort(body, packetId);
        writeString(body, filter);
        body.write(qos);
        return packet(0x82, body.toByteArray());
    }

    static byte[] publish(String topic, int qos, boolean dup, int packetId, String payload) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, topic);
        if (qos > 0) {
            writeShort(body, packetId);
        }
        body.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
        return packet(0x30 | (dup ? 8 : 0) | (qos << 1), body.toByteArray());
    }

    static byte[] puback(int packetId) {
        return ack(0x40, packetId);
    }

    static byte[] pubrec(int packetId) {
        return ack(0x50, packetId);
    }

    static byte[] pubrel(int packetId) {
        return ack(0x62, packetId);
    }

    static byte[] pubcomp(int packetId) {
        return ack(0x70, packetId);
    }

    private static byte[] ack(int firstByte, int packetId) {
        return new byte[] {(byte) firstByte, 2, (byte) (packetId >> 8), (byte) packetId};
    }

    private static byte[] packet(int firstByte, byte[] body) {
        ByteArrayOutputStream p = new ByteArrayOutputStream(body.length + 5);
        p.write(firstByte);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            p.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        p.writeBytes(body);
        return p.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        writeShort(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void writeShort(ByteArrayOutputStream out, int v) {
        out.write(v >> 8);
        out.write(v);
    }

    // ---- decoding ----

    /** The next packet, or null at end of stream. */
    private static Packet read(InputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        int length = 0;
        int multiplier = 1;
        int digit;
        int count = 0;
        do {
            digit = in.read();
            if (digit < 0) {
                throw new IOException("end of stream inside a fixed header");
            }
            length += (digit & 0x7F) * multiplier;
            multiplier *= 128;
        } while ((digit & 0x80) != 0 && ++count < 4);
        byte[] body = in.readNBytes(length);
        if (body.length != length) {
            throw new IOException("end of stream inside a packet body");
        }
        return new Packet(first >> 4, first & 0x0F, body);
    }

    private static String describe(Packet p) {
        if (p == null) {
            return "end of stream";
        }
        StringBuilder hex = new StringBuilder();
        for (byte b : p.body()) {
            hex.append(String.format("%02X", b));
        }
        return "packet type " + p.type() + " body " + hex;
    }
}
