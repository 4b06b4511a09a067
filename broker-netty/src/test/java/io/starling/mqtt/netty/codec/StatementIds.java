package io.starling.mqtt.netty.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Table rows name the statements they test in their label; the rejection must cite every one of them. */
final class StatementIds {
    private static final Pattern ID = Pattern.compile("MQTT-[0-9]+(?:\\.[0-9]+)*-[0-9]+");

    private StatementIds() {}

    static List<String> in(String label) {
        List<String> ids = new ArrayList<>();
        Matcher m = ID.matcher(label);
        while (m.find()) {
            ids.add(m.group());
        }
        return ids;
    }

    /** Asserts the failure's message cites every statement ID named in {@code label}. */
    static void assertCites(Throwable failure, String label) {
        for (String id : in(label)) {
            assertThat(failure.getMessage()).as("reason for: %s", label).contains("[" + id + "]");
        }
    }

    /** Decodes a frame that must be rejected and checks the reason cites the label's statement IDs. */
    static MalformedPacketException assertRejected(String label, byte[] frame) {
        MalformedPacketException failure = DecoderHarness.decodeFailure(frame);
        assertCites(failure, label);
        return failure;
    }
}
