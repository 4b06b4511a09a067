package io.starling.mqtt.netty.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Captures {@code System.err} while one fuzz input runs, to read the broker's WARN and ERROR lines.
 *
 * <p>Why the log: the inbound handler is where the pipeline's exceptions end. It answers an exception it does not
 * expect (a bug in core or in the codec) by logging "unexpected error" at WARN and closing, exactly like a clean
 * close from the outside; and core's CONNECT handling turns a RuntimeException into a WARN and a close without
 * CONNACK. The WARN line is the only trace such a bug leaves. slf4j-simple (the test binding) looks
 * {@code System.err} up on every line unless told to cache it, which makes this capture possible.
 */
final class StderrCapture implements AutoCloseable {
    private static final Pattern PROBLEM = Pattern.compile("(?m)^.*\\b(WARN|ERROR) io\\.starling\\..*$");

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    StderrCapture() {
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    /** The WARN and ERROR lines that Starling's loggers wrote, without their stack traces. */
    List<String> problems() {
        return PROBLEM.matcher(text()).results().map(m -> m.group()).toList();
    }

    String text() {
        System.err.flush();
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
