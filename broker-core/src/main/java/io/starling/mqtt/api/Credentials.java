package io.starling.mqtt.api;

/** What a CONNECT presents for authentication; {@code toString} never shows the password. */
public record Credentials(ClientInfo client, byte[] password) {
    @Override
    public String toString() {
        return "Credentials[" + client + ", password=" + (password == null ? "absent" : "***") + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Credentials c && client.equals(c.client) && java.util.Arrays.equals(password, c.password);
    }

    @Override
    public int hashCode() {
        return client.hashCode() * 31 + java.util.Arrays.hashCode(password);
    }
}
