package io.starling.mqtt.netty.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A byte-level MQTT client for wire tests: sends exactly the bytes given and reads packets back, or observes the
 * server closing the connection. Blocking, with timeouts on every read; for tests only.
 */
public final class RawClient implements AutoCloseable {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawClient(int port) {
        this(port, 0);
    }

    /**
     * A connection whose socket receive buffer is {@code receiveBufferBytes} (0: the system default), set before
     * connecting so the kernel does not auto-tune it: a client that stops reading then fills its TCP window quickly.
     */
    public RawClient(int port, int receiveBufferBytes) {
        try {
            socket = new Socket();
            if (receiveBufferBytes > 0) {
                socket.setReceiveBufferSize(receiveBufferBytes);
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) DEFAULT_TIMEOUT.toMillis());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) DEFAULT_TIMEOUT.toMillis());
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new IllegalStateException("cannot connect to 127.0.0.1:" + port, e);
        }
    }

    /** Opens a connection and completes a CONNECT with CONNACK 0x00. */
    public static RawClient connected(int port, String clientId, boolean cleanSession) {
        RawClient client = new RawClient(port);
        client.send(Bytes.connect(clientId, cleanSession, 0));
        client.expectConnAck(0);
        return client;
    }

    /** Opens a connection and completes a CONNECT (keep alive 0) answered by exactly {@code 20 02 0sp 00}. */
    public static RawClient connected(int port, String clientId, boolean cleanSession, boolean sessionPresent) {
        RawClient client = new RawClient(port);
        client.send(Bytes.connect(clientId, cleanSession, 0));
        client.expectConnAck(sessionPresent, 0);
        return client;
    }

    public RawClient send(byte[]... packets) {
        try {
            for (byte[] p : packets) {
                out.write(p);
            }
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException("send failed: " + e, e);
        }
        return this;
    }

    /** Reads the next packet; fails the test on timeout or end of stream. */
    public RawPacket read() {
        return read(DEFAULT_TIMEOUT);
    }

    public RawPacket read(Duration timeout) {
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            int first = in.read();
            if (first < 0) {
                return fail("connection closed by the server while a packet was expected");
            }
            return packetAfter(first);
        } catch (SocketTimeoutException e) {
            return fail("no packet within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            return fail("read failed: " + e);
        }
    }

    /** The rest of a packet whose first byte was {@code first}: remaining length, then the body. */
    private RawPacket packetAfter(int first) throws IOException {
        int length = 0;
        int multiplier = 1;
        int digit;
        int count = 0;
        do {
            digit = in.read();
            if (digit < 0) {
                return fail("connection closed inside a fixed header");
            }
            length += (digit & 0x7F) * multiplier;
            multiplier *= 128;
            count++;
        } while ((digit & 0x80) != 0 && count < 4);
        byte[] body = in.readNBytes(length);
        if (body.length != length) {
            return fail("connection closed inside a packet body");
        }
        return new RawPacket(first, body);
    }

    /** Reads packets until one satisfies {@code wanted}; the skipped ones are returned in order too. */
    public List<RawPacket> readUntil(Predicate<RawPacket> wanted) {
        List<RawPacket> seen = new ArrayList<>();
        while (true) {
            RawPacket p = read();
            seen.add(p);
            if (wanted.test(p)) {
                return seen;
            }
        }
    }

    public RawPacket expectConnAck(int returnCode) {
        RawPacket p = read();
        assertThat(p.firstByte()).as("CONNACK first byte of " + p).isEqualTo(0x20);
        assertThat(p.body()).hasSize(2);
        assertThat(p.body()[1] & 0xFF).as("CONNACK return code").isEqualTo(returnCode);
        return p;
    }

    /** Reads the next packet and asserts it is exactly {@code 20 02 <sessionPresent> <returnCode>}. */
    public RawPacket expectConnAck(boolean sessionPresent, int returnCode) {
        RawPacket p = read();
        assertThat(p.hex()).as("CONNACK bytes")
                .isEqualTo(String.format("20 %02X%02X", sessionPresent ? 1 : 0, returnCode));
        return p;
    }

    /** SUBSCRIBE with one filter, answered by exactly {@code 90 03 <id> <qos>}: the requested QoS is granted. */
    public RawPacket subscribe(int packetId, String filter, int qos) {
        send(Bytes.subscribe(packetId, filter, qos));
        RawPacket ack = expect(0x90);
        assertThat(ack.hex()).as("SUBACK").isEqualTo(String.format("90 %04X%02X", packetId, qos));
        return ack;
    }

    /** Reads the next packet and asserts it is exactly {@code <firstByte> 02 <packetId>} (an ack or UNSUBACK). */
    public RawPacket expectAck(int firstByte, int packetId) {
        RawPacket p = expect(firstByte);
        assertThat(p.hex()).as("bytes of " + p).isEqualTo(String.format("%02X %04X", firstByte, packetId));
        return p;
    }

    /**
     * Sends a PUBLISH (DUP 0) and completes the publisher's side of its flow, each answer exactly {@code <type> 02
     * <packetId>}: PUBACK for QoS 1; PUBREC, PUBREL, PUBCOMP for QoS 2; nothing is read for QoS 0.
     */
    public void publishAndComplete(String topic, int qos, boolean retain, int packetId, String payload) {
        send(Bytes.publish(topic, qos, retain, false, packetId, Bytes.utf8(payload)));
        if (qos == 1) {
            expectAck(0x40, packetId);
        } else if (qos == 2) {
            expectAck(0x50, packetId);
            send(Bytes.pubrel(packetId));
            expectAck(0x70, packetId);
        }
    }

    /**
     * Sends PINGREQ and asserts the next packet is exactly PINGRESP {@code D0 00}: the connection is open and
     * served, and nothing was pending for it before the PINGRESP.
     */
    public void pingAndExpectPingResp(String description) {
        send(Bytes.pingreq());
        assertThat(read().hex()).as(description).isEqualTo("D0 ");
    }

    /** {@link #pingAndExpectPingResp} for "no message before the PINGRESP". */
    public void assertNothingDelivered() {
        pingAndExpectPingResp("no message before the PINGRESP");
    }

    public RawPacket expect(int firstByte) {
        RawPacket p = read();
        assertThat(p.firstByte()).as("first byte of " + p).isEqualTo(firstByte);
        return p;
    }

    public RawPacket expectPublish() {
        RawPacket p = read();
        assertThat(p.isPublish()).as("expected PUBLISH, got " + p).isTrue();
        return p;
    }

    /**
     * Asserts that the server closes the connection without sending anything more: end of stream (or a reset)
     * within the timeout.
     */
    public void expectClosed() {
        expectClosed(DEFAULT_TIMEOUT);
    }

    public void expectClosed(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            int b = in.read();
            if (b >= 0) {
                byte[] rest = in.readNBytes(Math.min(in.available(), 64));
                fail("expected the server to close, but received bytes starting " + String.format("%02X", b)
                        + " (+" + rest.length + " more)");
            }
        } catch (SocketTimeoutException e) {
            fail("the server did not close the connection within " + timeout.toMillis() + " ms");
        } catch (SocketException e) {
            // Connection reset: the server closed with unread data pending. Closed is what we wanted.
        } catch (IOException e) {
            fail("read failed: " + e);
        }
    }

    /**
     * The next packet, or empty when the server closes the connection (end of stream or a reset) before sending
     * one; fails on timeout or when it closes inside a packet. For tests where closing first is a correct outcome.
     */
    public Optional<RawPacket> readOrClosed(Duration timeout) {
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            int first = in.read();
            if (first < 0) {
                return Optional.empty();
            }
            return Optional.of(packetAfter(first));
        } catch (SocketTimeoutException e) {
            return fail("neither a packet nor a close within " + timeout.toMillis() + " ms");
        } catch (SocketException e) {
            // Reset: closed with unread data pending.
            return Optional.empty();
        } catch (IOException e) {
            return fail("read failed: " + e);
        }
    }

    /**
     * Reads and discards whatever the server sent until it closes the connection: true if that happens within
     * {@code timeout}, false if it is still open then.
     */
    public boolean drainUntilClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] sink = new byte[64 * 1024];
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                if (in.read(sink) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * True when the server closes the connection (end of stream or a reset) within {@code timeout}, false when it
     * stays open and silent that long; fails if a byte arrives instead.
     */
    public boolean closedWithin(Duration timeout) {
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            int b = in.read();
            if (b >= 0) {
                return fail("expected a close or silence, received a packet starting " + String.format("%02X", b));
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        } catch (IOException e) {
            return fail("read failed: " + e);
        }
    }

    /** Asserts nothing arrives for {@code quiet} (used sparingly: only where the standard says "nothing"). */
    public void expectNothingFor(Duration quiet) {
        try {
            socket.setSoTimeout((int) quiet.toMillis());
            int b = in.read();
            if (b < 0) {
                fail("connection closed; expected it to stay open and quiet");
            }
            fail("expected no packet, received a packet starting " + String.format("%02X", b));
        } catch (SocketTimeoutException e) {
            // Quiet, as expected.
        } catch (IOException e) {
            fail("read failed: " + e);
        }
    }

    /**
     * Sends DISCONNECT and asserts the server closes the connection (a session is detached before that close), then
     * closes this side too.
     */
    public void disconnect() {
        send(Bytes.disconnect());
        expectClosed();
        close();
    }

    /** Drops the TCP connection without DISCONNECT. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
