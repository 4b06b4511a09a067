package io.starling.mqtt.junit5;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Just enough MQTT 3.1.1 over a socket to connect and subscribe, for unit tests without a client library. */
final class RawMqttClient implements AutoCloseable {
    private static final int READ_TIMEOUT_MILLIS = 5_000;

    private final Socket socket;
    private final DataInputStream in;

    private RawMqttClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** Connects with a clean session and waits for an accepting CONNACK. */
    static RawMqttClient connect(int port, String clientId) {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            RawMqttClient client = new RawMqttClient(socket);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            writeString(body, "MQTT");
            body.write(4);          // protocol level 3.1.1
            body.write(0x02);       // clean session
            body.write(0);
            body.write(60);         // keep alive 60 s
            writeString(body, clientId);
            client.send(0x10, body.toByteArray());
            byte[] connack = client.read(0x20);
            if (connack[1] != 0) {
                throw new IllegalStateException("CONNACK return code " + connack[1]);
            }
            return client;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Subscribes (packet id 1) and waits for the SUBACK. */
    void subscribe(String filter, int qos) {
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(0);
            body.write(1);
            writeString(body, filter);
            body.write(qos);
            send(0x82, body.toByteArray());
            read(0x90);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void send(int header, byte[] body) throws IOException {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(header);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            packet.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        packet.write(body);
        socket.getOutputStream().write(packet.toByteArray());
        socket.getOutputStream().flush();
    }

    private byte[] read(int expectedHeader) throws IOException {
        int header = in.readUnsignedByte();
        if (header != expectedHeader) {
            throw new IllegalStateException("expected packet 0x" + Integer.toHexString(expectedHeader)
                    + ", got 0x" + Integer.toHexString(header));
        }
        int length = 0;
        int multiplier = 1;
        int digit;
        do {
            digit = in.readUnsignedByte();
            length += (digit & 0x7F) * multiplier;
            multiplier *= 128;
        } while ((digit & 0x80) != 0);
        byte[] body = new byte[length];
        in.readFully(body);
        return body;
    }

    private static void writeString(ByteArrayOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.write(utf8.length >> 8);
        out.write(utf8.length & 0xFF);
        out.write(utf8);
    }

    /** Sends DISCONNECT and closes the socket. */
    @Override
    public void close() {
        try (socket) {
            send(0xE0, new byte[0]);
        } catch (IOException e) {
            // Already closed by the broker: nothing to say goodbye to.
        }
    }
}
