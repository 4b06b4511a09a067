package io.starling.mqtt.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.starling.mqtt.netty.StarlingBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** docs/operations.md lists exactly the meters StarlingMetrics registers, with their types and tags. */
class OperationsDocTest {
    private static final Path DOC = Path.of(System.getProperty("user.dir")).resolve("../docs/operations.md")
            .normalize();

    /** One "name | type | tags" line per meter; tags as {@code k=v}, comma-separated, sorted. */
    static Set<String> registeredMeters(MeterRegistry registry) {
        Set<String> lines = new TreeSet<>();
        for (Meter meter : registry.getMeters()) {
            String tags = meter.getId().getTags().stream()
                    .map(t -> t.getKey() + "=" + t.getValue())
                    .sorted()
                    .collect(Collectors.joining(","));
            String type = switch (meter.getId().getType()) {
                case COUNTER -> "counter";
                case GAUGE -> "gauge";
                default -> meter.getId().getType().name().toLowerCase(Locale.ROOT);
            };
            lines.add(meter.getId().getName() + " | " + type + " | " + tags);
        }
        return lines;
    }

    /** The rows of the first table in the "Metrics (Micrometer)" section. */
    static Set<String> documentedMeters() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        int start = lines.indexOf("## Metrics (Micrometer)");
        assertThat(start).as("section \"## Metrics (Micrometer)\" in %s", DOC).isNotNegative();
        Set<String> rows = new TreeSet<>();
        boolean inTable = false;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (!line.startsWith("|")) {
                if (inTable) {
                    break;
                }
                continue;
            }
            inTable = true;
            String[] cells = line.split("\\|", -1);
            String name = strip(cells[1]);
            if (name.equals("Name") || name.startsWith("---")) {
                continue;
            }
            String tags = List.of(strip(cells[3]).split(",")).stream()
                    .map(String::strip).filter(s -> !s.isEmpty()).sorted().collect(Collectors.joining(","));
            rows.add(name + " | " + strip(cells[2]) + " | " + tags);
        }
        return rows;
    }

    private static String strip(String cell) {
        return cell.replace("`", "").strip();
    }

    @Test
    @DisplayName("the meter table in docs/operations.md matches the meters registered, one row each")
    void docTableMatchesRegisteredMeters() throws IOException {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (StarlingBroker broker = StarlingBroker.builder().port(0).start()) {
            new StarlingMetrics(broker).bindTo(registry);
            Set<String> documented = documentedMeters();
            assertThat(documented).as("rows of the table in %s", DOC).isNotEmpty();
            assertThat(documented).containsExactlyInAnyOrderElementsOf(registeredMeters(registry));
            assertThat(documented).hasSize(registry.getMeters().size());
        }
    }

    @Test
    @DisplayName("the documented binding code names the real API")
    void documentedBinding() throws IOException {
        String doc = Files.readString(DOC);
        assertThat(doc).contains("new StarlingMetrics(broker).bindTo(registry);");
        // Used only so that a rename of the Tag type breaks this test rather than the docs silently.
        assertThat(Tag.of("broker", "internal").getKey()).isEqualTo("broker");
    }
}
