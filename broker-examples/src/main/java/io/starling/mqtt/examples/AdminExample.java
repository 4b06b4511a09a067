package io.starling.mqtt.examples;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.engine.BrokerAdmin;
import io.starling.mqtt.netty.StarlingBroker;
import io.starling.mqtt.session.SessionSnapshot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The admin API as a tiny console: list sessions, disconnect a client, clear a retained message.
 *
 * <p>Run it with an optional port (default 1883), connect a client (for example
 * {@code mosquitto_sub -p 1883 -i sensor-1 -c -t 'status/#' -v}) and type {@code sessions},
 * {@code kick sensor-1}, {@code clear status/broker} or {@code quit}.
 */
public final class AdminExample {
    private AdminExample() {}

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 1883;
        try (StarlingBroker broker = StarlingBroker.builder().port(port).start()) {
            broker.publish(Message.of("status/broker", "up".getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, true));
            System.out.println("Starling listening on " + broker.uri() + "; commands: sessions, kick ID, clear TOPIC, quit");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.strip().equals("quit")) {
                execute(line.strip(), broker.admin(), System.out);
            }
        }
    }

    /** Runs one console command against the admin API, printing the outcome. */
    static void execute(String command, BrokerAdmin admin, PrintStream out) {
        String[] words = command.split("\\s+", 2);
        switch (words[0]) {
            case "sessions" -> listSessions(admin, out);
            case "kick" -> {
                if (words.length < 2) {
                    out.println("usage: kick CLIENT_ID");
                    return;
                }
                // DOC-START admin-disconnect
                // Closes the connection as a network failure would: the will is published, a persistent session stays.
                boolean wasConnected = admin.disconnect(words[1]);
                // DOC-END admin-disconnect
                out.println(wasConnected ? "disconnected " + words[1] : "not connected: " + words[1]);
            }
            case "clear" -> {
                if (words.length < 2) {
                    out.println("usage: clear TOPIC");
                    return;
                }
                // DOC-START admin-clear-retained
                boolean removed = admin.clearRetained(words[1]);
                // DOC-END admin-clear-retained
                out.println(removed ? "cleared " + words[1] : "no retained message on " + words[1]);
            }
            case "" -> { }
            default -> out.println("unknown command: " + words[0]);
        }
    }

    static void listSessions(BrokerAdmin admin, PrintStream out) {
        // DOC-START admin-sessions
        for (SessionSnapshot session : admin.sessions()) {   // a snapshot taken on each session's event loop
            out.printf("%s connected=%s cleanSession=%s subscriptions=%s inflight=%d queued=%d%n",
                    session.clientId(), session.connected(), session.cleanSession(),
                    session.subscriptions().keySet(), session.inflight(), session.queued());
        }
        // DOC-END admin-sessions
    }
}
