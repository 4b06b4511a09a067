package io.starling.mqtt.examples;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.auth.AclFileAuthorizer;
import io.starling.mqtt.auth.PasswordFileAuthenticator;
import io.starling.mqtt.netty.StarlingBroker;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the standalone broker's password file, ACL file and TLS certificates without dropping a connection, on
 * SIGHUP as Mosquitto does. A file that fails to parse keeps the rules already in force and says why.
 */
final class Reload {
    private static final Logger LOG = LoggerFactory.getLogger(Reload.class);

    private Reload() {}

    /** Installs the SIGHUP handler (where the platform has that signal). */
    static void onSighup(StarlingBroker broker) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> reload(broker));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.debug("no SIGHUP on this platform; reload on signal is off: {}", e.toString());
        }
    }

    /** Reloads everything reloadable; returns one line per thing, for the log and for tests. */
    static List<String> reload(StarlingBroker broker) {
        List<String> outcome = new ArrayList<>();
        BrokerConfig config = broker.config();
        if (config.authenticator() instanceof PasswordFileAuthenticator passwords) {
            try {
                passwords.reload();
                outcome.add("password file " + passwords.file() + " reloaded: " + passwords.userCount() + " users");
            } catch (Exception e) {
                outcome.add("password file " + passwords.file() + " NOT reloaded, previous users kept: " + e.getMessage());
            }
        }
        if (config.authorizer() instanceof AclFileAuthorizer acl) {
            try {
                acl.reload();
                outcome.add("ACL file " + acl.file() + " reloaded: " + acl.ruleCount() + " rules");
            } catch (Exception e) {
                outcome.add("ACL file " + acl.file() + " NOT reloaded, previous rules kept: " + e.getMessage());
            }
        }
        if (config.listeners().stream().anyMatch(l -> l.isTls())) {
            try {
                outcome.add("TLS certificates reloaded for " + broker.reloadTls() + " listener(s)");
            } catch (RuntimeException e) {
                outcome.add("TLS certificates NOT reloaded, previous ones kept: " + e.getMessage());
            }
        }
        if (outcome.isEmpty()) {
            outcome.add("nothing to reload (no password file, ACL file or TLS listener)");
        }
        outcome.forEach(line -> LOG.info("SIGHUP: {}", line));
        return outcome;
    }
}
