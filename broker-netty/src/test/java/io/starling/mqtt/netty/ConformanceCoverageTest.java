package io.starling.mqtt.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every server row of the MQTT 3.1.1 checklist is cited by at least one test, and docs/conformance.md lists it with
 * its tests. Rows another issue is to cover can be listed in DEFERRED until then (none are now).
 */
@Timeout(30)
class ConformanceCoverageTest {
    private static final Pattern ROW = Pattern.compile("^\\| \\[(MQTT-[^\\]]+)\\] \\| [^|]+ \\| [SBE] \\|");
    private static final Pattern ID = Pattern.compile("\\[(MQTT-\\d+(?:\\.\\d+)*-\\d+)\\]");
    private static final Set<String> DEFERRED = Set.of();

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path CHECKLIST = ROOT.getParent().resolve("shared/spec/mqtt-3.1.1-server-checklist.md");

    private static Set<String> checklistIds() throws IOException {
        Assumptions.assumeTrue(Files.exists(CHECKLIST),
                "checklist not found at " + CHECKLIST + " (shared/ is expected beside the checkout)");
        Set<String> ids = new TreeSet<>();
        for (String line : Files.readAllLines(CHECKLIST, StandardCharsets.UTF_8)) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }

    private static Set<String> citedInTests() throws IOException {
        Set<String> cited = new TreeSet<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path p : (Iterable<Path>) files
                    .filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/test/java/"))::iterator) {
                Matcher m = ID.matcher(Files.readString(p, StandardCharsets.UTF_8));
                while (m.find()) {
                    cited.add(m.group(1));
                }
            }
        }
        return cited;
    }

    @Test
    @DisplayName("the checklist has its 132 server rows")
    void checklistIsComplete() throws IOException {
        assertThat(checklistIds()).hasSize(132);
    }

    @Test
    @DisplayName("every server row of the checklist is cited by a test")
    void everyRowHasATest() throws IOException {
        Set<String> missing = new TreeSet<>(checklistIds());
        missing.removeAll(citedInTests());
        missing.removeAll(DEFERRED);
        assertThat(missing).as("checklist rows no test cites").isEmpty();
    }

    @Test
    @DisplayName("docs/conformance.md lists every row with its tests (regenerate: python3 docs/tools/conformance_table.py)")
    void conformanceTableIsComplete() throws IOException {
        String table = Files.readString(ROOT.resolve("docs/conformance.md"), StandardCharsets.UTF_8);
        for (String id : checklistIds()) {
            String row = table.lines().filter(l -> l.startsWith("| [" + id + "] |")).findFirst().orElse(null);
            assertThat(row).as("row for " + id).isNotNull();
            if (!DEFERRED.contains(id)) {
                assertThat(row).as("row for " + id).doesNotContain("not yet");
            }
        }
    }
}
