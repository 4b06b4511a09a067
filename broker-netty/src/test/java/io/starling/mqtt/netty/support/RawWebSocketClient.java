package io.starling.mqtt.netty.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.SocketFactory;

/**
 * A byte-level WebSocket client for wire tests: writes the HTTP upgrade with exactly the headers given, then frames
 * with any opcode, FIN bit and split the test asks for (masked, as a client must), and reads the server's frames
 * one by one, or as the MQTT packets their payloads carry. Every opcode the server sends is recorded, so a test can
 * assert that all of them were binary. Blocking, with timeouts on every read; for tests only.
 */
public final class RawWebSocketClient implements AutoCloseable {
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CONTINUATION = 0x0;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    private static final Duration TIMEOUT = RawClient.DEFAULT_TIMEOUT;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Response response;
    /** Payload bytes of data frames not yet returned as packets. */
    private byte[] pending = new byte[0];
    private final List<Integer> serverOpcodes = new ArrayList<>();

    /** The server's answer to the upgrade request. */
    public record Response(int status, Map<String, String> headers, String body) {
        /** A header value (names compared ignoring case), or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One frame as the server sent it. */
    public record Frame(boolean fin, int opcode, byte[] payload) {
        /** The status code of a close frame, or -1 when it has none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
        }
    }

    /** A request to build: path {@code /mqtt}, subprotocol {@code mqtt}, no origin. */
    public static Upgrade upgrade(int port) {
        return new Upgrade(SocketFactory.getDefault(), port);
    }

    /** The same over a socket from {@code sockets} (a TLS socket factory for secure WebSocket). */
    public static Upgrade upgrade(SocketFactory sockets, int port) {
        return new Upgrade(sockets, port);
    }

    /** Builds the upgrade request; {@link #open()} sends it and reads the response. */
    public static final class Upgrade {
        private final SocketFactory sockets;
        private final int port;
        private String method = "GET";
        private String path = "/mqtt";
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Upgrade(SocketFactory sockets, int port) {
            this.sockets = sockets;
            this.port = port;
            headers.put("Host", "127.0.0.1:" + port);
            headers.put("Upgrade", "websocket");
            headers.put("Connection", "Upgrade");
            byte[] key = new byte[16];
            RANDOM.nextBytes(key);
            headers.put("Sec-WebSocket-Key", Base64.getEncoder().encodeToString(key));
            headers.put("Sec-WebSocket-Version", "13");
            headers.put("Sec-WebSocket-Protocol", "mqtt");
        }

        public Upgrade path(String value) {
            this.path = value;
            return this;
        }

        public Upgrade method(String value) {
            this.method = value;
            return this;
        }

        /** Sets a header; a null value leaves it out. */
        public Upgrade header(String name, String value) {
            if (value == null) {
                headers.remove(name);
            } else {
                headers.put(name, value);
            }
            return this;
        }

        public Upgrade subprotocol(String value) {
            return header("Sec-WebSocket-Protocol", value);
        }

        public Upgrade origin(String value) {
            return header("Origin", value);
        }

        /** Connects, sends the request and reads the response headers (and a non-101 response's body). */
        public RawWebSocketClient open() {
            return new RawWebSocketClient(this);
        }
    }

    private RawWebSocketClient(Upgrade upgrade) {
        try {
            socket = upgrade.sockets.createSocket();
            socket.connect(new InetSocketAddress("127.0.0.1", upgrade.port), (int) TIMEOUT.toMillis());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            StringBuilder request = new StringBuilder(upgrade.method + " " + upgrade.path + " HTTP/1.1\r\n");
            upgrade.headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("\r\n");
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            response = readResponse();
            if (response.status() == 101) {
                String expected = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                        (upgrade.headers.get("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                                .getBytes(StandardCharsets.US_ASCII)));
                assertThat(response.header("Sec-WebSocket-Accept")).as("Sec-WebSocket-Accept").isEqualTo(expected);
            }
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("WebSocket upgrade to 127.0.0.1:" + upgrade.port + " failed: " + e, e);
        }
    }

    /** Opens a connection on {@code /mqtt} with subprotocol {@code mqtt} and asserts the 101 answer. */
    public static RawWebSocketClient connected(int port) {
        RawWebSocketClient client = upgrade(port).open();
        assertThat(client.response().status()).as("upgrade status").isEqualTo(101);
        return client;
    }

    public Response response() {
        return response;
    }

    private Response readResponse() throws IOException {
        String statusLine;
        try {
            statusLine = readLine();
        } catch (SocketException reset) {
            statusLine = null;
        }
        if (statusLine == null) {
            // Closed before answering (a connection over the broker's limit): status 0, for the test to assert.
            return new Response(0, Map.of(), "");
        }
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine()) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        String body = "";
        if (status != 101 && headers.containsKey("content-length")) {
            byte[] bytes = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            body = new String(bytes, StandardCharsets.UTF_8);
        }
        return new Response(status, headers, body);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    // ---- sending ----

    /** The bytes of one masked client frame. */
    public static byte[] frame(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else if (payload.length < 65_536) {
            f.write(0x80 | 126);
            f.write(payload.length >> 8);
            f.write(payload.length);
        } else {
            f.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) ((long) payload.length >> shift));
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        f.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i % 4]);
        }
        return f.toByteArray();
    }

    /** Writes these frame bytes (one or several frames, or parts of one) in a single write. */
    public RawWebSocketClient sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException("send failed: " + e, e);
        }
        return this;
    }

    public RawWebSocketClient sendFrame(boolean fin, int opcode, byte[] payload) {
        return sendRaw(frame(fin, opcode, payload));
    }

    /** One binary frame per argument, each with FIN set. */
    public RawWebSocketClient sendBinary(byte[]... payloads) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : payloads) {
            all.writeBytes(frame(true, BINARY, p));
        }
        return sendRaw(all.toByteArray());
    }

    // ---- receiving ----

    /** The next frame; fails on timeout or end of stream. */
    public Frame readFrame() {
        try {
            Frame frame = readFrameOrNull(TIMEOUT);
            if (frame == null) {
                return fail("connection closed by the server while a frame was expected");
            }
            return frame;
        } catch (SocketTimeoutException e) {
            return fail("no frame within " + TIMEOUT.toMillis() + " ms");
        } catch (IOException e) {
            return fail("read failed: " + e);
        }
    }

    private Frame readFrameOrNull(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        int first = in.read();
        if (first < 0) {
            return null;
        }
        int second = in.read();
        if (second < 0) {
            return fail("connection closed inside a frame header");
        }
        assertThat(second & 0x80).as("server frames are never masked").isZero();
        long length = second & 0x7F;
        if (length == 126) {
            length = ((in.read() & 0xFF) << 8) | (in.read() & 0xFF);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | (in.read() & 0xFF);
            }
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length != length) {
            return fail("connection closed inside a frame payload");
        }
        int opcode = first & 0x0F;
        serverOpcodes.add(opcode);
        return new Frame((first & 0x80) != 0, opcode, payload);
    }

    /** Opcodes of every frame the server has sent so far, in order. */
    public List<Integer> serverOpcodes() {
        return List.copyOf(serverOpcodes);
    }

    /**
     * The next MQTT packet from the payloads of the server's data frames, however they were cut; fails when a frame
     * of another kind arrives first, on timeout, or on end of stream.
     */
    public RawPacket readPacket() {
        while (true) {
            RawPacket packet = packetFromPending();
            if (packet != null) {
                return packet;
            }
            Frame frame = readFrame();
            assertThat(frame.opcode()).as("opcode of a frame carrying MQTT bytes (binary, or a continuation of binary)")
                    .isIn(BINARY, CONTINUATION);
            byte[] joined = new byte[pending.length + frame.payload().length];
            System.arraycopy(pending, 0, joined, 0, pending.length);
            System.arraycopy(frame.payload(), 0, joined, pending.length, frame.payload().length);
            pending = joined;
        }
    }

    private RawPacket packetFromPending() {
        if (pending.length < 2) {
            return null;
        }
        int length = 0;
        int multiplier = 1;
        int at = 1;
        int digit;
        do {
            if (at >= pending.length) {
                return null;
            }
            digit = pending[at++] & 0xFF;
            length += (digit & 0x7F) * multiplier;
            multiplier *= 128;
        } while ((digit & 0x80) != 0 && at < 5);
        if (pending.length < at + length) {
            return null;
        }
        byte[] body = java.util.Arrays.copyOfRange(pending, at, at + length);
        RawPacket packet = new RawPacket(pending[0] & 0xFF, body);
        pending = java.util.Arrays.copyOfRange(pending, at + length, pending.length);
        return packet;
    }

    public RawPacket expect(int firstByte) {
        RawPacket p = readPacket();
        assertThat(p.firstByte()).as("first byte of " + p).isEqualTo(firstByte);
        return p;
    }

    /**
     * Asserts that the server closes the connection without sending any more MQTT bytes: at most a close frame,
     * then end of stream. Returns the close frame's status code, or -1 when there was none.
     */
    public int expectClosed() {
        assertThat(pending).as("unread MQTT bytes").isEmpty();
        int closeCode = -1;
        try {
            while (true) {
                Frame frame = readFrameOrNull(TIMEOUT);
                if (frame == null) {
                    return closeCode;
                }
                assertThat(frame.opcode()).as("only a close frame may come before the close").isEqualTo(CLOSE);
                closeCode = frame.closeCode();
            }
        } catch (SocketTimeoutException e) {
            return fail("the server did not close the connection within " + TIMEOUT.toMillis() + " ms");
        } catch (SocketException e) {
            // Reset: closed with unread data pending.
            return closeCode;
        } catch (IOException e) {
            return fail("read failed: " + e);
        }
    }

    /** Asserts the server closes the connection after an HTTP error response (no upgrade happened). */
    public void expectHttpClose() {
        try {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            assertThat(in.read()).as("bytes after the HTTP response").isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            fail("the server did not close the connection within " + TIMEOUT.toMillis() + " ms");
        } catch (SocketException e) {
            // Reset: closed.
        } catch (IOException e) {
            fail("read failed: " + e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing a test socket: nothing to do.
        }
    }
}
