package io.starling.mqtt.netty.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawPacket;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A byte-level MQTT client over a JDK {@link SSLSocket}, for TLS wire tests: the handshake is explicit, so a test
 * can tell a refused handshake from a refused CONNECT. Every read has a timeout.
 */
public final class TlsClient implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 5000;

    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;

    private TlsClient(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to 127.0.0.1:{@code port} and completes the TLS handshake, offering only {@code protocols} (all the
     * context enables when none is given).
     *
     * @throws IOException the handshake failed (SSLException) or the connection did
     */
    public static TlsClient handshake(SSLContext context, int port, String... protocols) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            if (protocols.length > 0) {
                socket.setEnabledProtocols(protocols);
            }
            socket.startHandshake();
            return new TlsClient(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Handshake, then CONNECT answered by CONNACK 0 (accepted). */
    public static TlsClient connected(SSLContext context, int port, String clientId) throws IOException {
        TlsClient client = handshake(context, port);
        try {
            client.send(Bytes.connect(clientId, true, 0));
            client.expectConnAck(0);
            return client;
        } catch (IOException | RuntimeException | AssertionError e) {
            client.close();
            throw e;
        }
    }

    /** The decrypted streams, for tests that read or write in bulk. */
    InputStream input() {
        return in;
    }

    OutputStream output() {
        return out;
    }

    public SSLSession session() {
        return socket.getSession();
    }

    /** The server's certificate as this client saw it. */
    public X509Certificate serverCertificate() throws IOException {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    public TlsClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads one packet; an IOException when the server ends the connection (or TLS fails) instead. */
    public RawPacket read() throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new EOFException("connection closed by the server");
        }
        int length = 0;
        int multiplier = 1;
        int digit;
        do {
            digit = in.read();
            if (digit < 0) {
                throw new EOFException("connection closed inside a fixed header");
            }
            length += (digit & 0x7F) * multiplier;
            multiplier *= 128;
        } while ((digit & 0x80) != 0);
        byte[] body = in.readNBytes(length);
        if (body.length != length) {
            throw new EOFException("connection closed inside a packet body");
        }
        return new RawPacket(first, body);
    }

    public void expectConnAck(int returnCode) throws IOException {
        RawPacket p = read();
        assertThat(p.firstByte()).as("CONNACK first byte").isEqualTo(0x20);
        assertThat(p.body()[1] & 0xFF).as("CONNACK return code").isEqualTo(returnCode);
    }

    /** PINGREQ answered by PINGRESP: the connection is open and served. */
    public void ping() throws IOException {
        send(Bytes.pingreq());
        assertThat(read().firstByte()).as("PINGRESP").isEqualTo(0xD0);
    }

    /**
     * Whether the server ended the connection within {@code timeout}: end of stream, a reset, or a TLS alert (a
     * refused client certificate in TLS 1.3 arrives as an alert after the client's side of the handshake is done).
     */
    public boolean closedWithin(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SSLException | SocketException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
