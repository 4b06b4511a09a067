package io.starling.mqtt.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** docs/testing.md shows code that compiles and runs: each of its Java blocks is taken from this module's tests. */
@Timeout(30)
class TestingGuideTest {
    private static final Path MODULE = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    private static final Path GUIDE = MODULE.resolve("../docs/testing.md").normalize();
    private static final Path TESTS = MODULE.resolve("src/test/java/io/starling/mqtt/junit5");

    @Test
    void theCompleteExampleIsPahoClientsItFromItsImportsOn() throws IOException {
        List<String> source = Files.readAllLines(TESTS.resolve("PahoClientsIT.java"), StandardCharsets.UTF_8);
        int firstImport = indexOfFirst(source, "import ");
        List<String> example = javaBlocks().get(0);
        assertThat(String.join("\n", example).strip())
                .isEqualTo(String.join("\n", source.subList(firstImport, source.size())).strip());
    }

    @Test
    void everyJavaBlockIsCodeFromTheTests() throws IOException {
        List<List<String>> sources = new ArrayList<>();
        try (Stream<Path> files = Files.list(TESTS)) {
            files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(f -> sources.add(normalized(read(f))));
        }
        List<List<String>> blocks = javaBlocks();
        assertThat(blocks).hasSizeGreaterThanOrEqualTo(3);
        for (List<String> block : blocks) {
            List<String> wanted = normalized(block);
            assertThat(sources).as("a test source containing the docs/testing.md block%n%s", String.join("\n", block))
                    .anySatisfy(source -> assertThat(containsRun(source, wanted)).isTrue());
        }
    }

    /** The fenced {@code java} blocks of the guide, in order. */
    private static List<List<String>> javaBlocks() throws IOException {
        assertThat(GUIDE).isRegularFile();
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = null;
        for (String line : Files.readAllLines(GUIDE, StandardCharsets.UTF_8)) {
            if (current == null && line.strip().equals("```java")) {
                current = new ArrayList<>();
            } else if (current != null && line.strip().equals("```")) {
                blocks.add(current);
                current = null;
            } else if (current != null) {
                current.add(line);
            }
        }
        assertThat(current).as("unclosed java block in %s", GUIDE).isNull();
        return blocks;
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Without indentation and blank lines: a block may be quoted from a nested position. */
    private static List<String> normalized(List<String> lines) {
        return lines.stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static int indexOfFirst(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starting with " + prefix);
    }

    private static boolean containsRun(List<String> haystack, List<String> needle) {
        return !needle.isEmpty() && Collections.indexOfSubList(haystack, needle) >= 0;
    }
}
